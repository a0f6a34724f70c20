/**
 * The two-table update log (`log-schema.ts`): staged rows fold into the per-document table
 * without changing what any document loads, compactions reach both tables, positions only grow,
 * and a database in the earlier one-table layout migrates on open.
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/storage/sqlite-store.js';
import { WorkerCommitter } from '../../src/storage/worker-committer.js';
import { gsetUpdate } from '../support/gset-engine.js';
import { removeTempDirs, tempDir } from '../support/tmp.js';

afterEach(removeTempDirs);

const u = (replica: number, counter: number) =>
  gsetUpdate([{ replica, counter, payload: `${replica}.${counter}` }]);

/** Rows per table, read through a second connection. */
function tableRows(path: string): { staged: number; folded: number } {
  const db = new Database(path, { readonly: true });
  try {
    const count = (t: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n;
    return { staged: count('staged_updates'), folded: count('doc_updates') };
  } finally {
    db.close();
  }
}

type Op =
  | { readonly kind: 'append'; readonly docs: readonly number[] }
  | { readonly kind: 'compact'; readonly doc: number }
  | { readonly kind: 'reopen' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      docs: fc.array(fc.nat(3), { minLength: 1, maxLength: 7 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('compact' as const), doc: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
);

describe('two-table update log', () => {
  it('loads every document exactly as appended, across folds, compactions and reopenings (model)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.array(opArb, { maxLength: 40 }), (foldRows, ops) => {
        const dir = tempDir();
        let store = SqliteStore.open({ dir, nodeId: 1, foldRows });
        // Model: per document, the (position, bytes) entries after its snapshot, and the snapshot's position.
        const model = new Map<string, { seq: number; bytes: number[] }[]>();
        const snapUpTo = new Map<string, number>();
        let counter = 0;
        let lastSeq = 0;
        try {
          for (const op of ops) {
            if (op.kind === 'append') {
              const entries = op.docs.map((d) => ({ docId: `d${d}`, update: u(d, ++counter) }));
              const seqs = store.append(entries);
              for (const s of seqs) {
                expect(s).toBeGreaterThan(lastSeq);
                lastSeq = s;
              }
              entries.forEach((e, i) => {
                const list = model.get(e.docId) ?? [];
                list.push({ seq: seqs[i] as number, bytes: Array.from(e.update) });
                model.set(e.docId, list);
              });
            } else if (op.kind === 'compact') {
              const docId = `d${op.doc}`;
              const upTo = store.lastSeq(docId);
              if (upTo === 0) continue;
              store.compact(docId, u(99, upTo), upTo);
              snapUpTo.set(docId, upTo);
              model.set(docId, []);
            } else {
              store.close();
              store = SqliteStore.open({ dir, nodeId: 1, foldRows });
            }
            for (const [docId, list] of model) {
              const loaded = store.load(docId);
              expect(loaded.updates.map((x) => Array.from(x))).toEqual(list.map((e) => e.bytes));
              expect(loaded.snapshotUpTo).toBe(snapUpTo.get(docId) ?? 0);
              expect(loaded.lastSeq).toBe(list.at(-1)?.seq ?? snapUpTo.get(docId) ?? 0);
              expect(store.logLength(docId)).toBe(list.length);
            }
            expect(tableRows(store.path).staged).toBeLessThan(foldRows);
          }
          expect(store.documents().sort()).toEqual([...model.keys()].sort());
        } finally {
          store.close();
        }
      }),
      { numRuns: 60 },
    );
  });

  it('folds staged rows into the per-document table once foldRows may be staged', () => {
    const store = SqliteStore.open({ dir: tempDir(), nodeId: 1, foldRows: 10 });
    store.append(Array.from({ length: 9 }, (_, i) => ({ docId: `d${i % 3}`, update: u(i % 3, i + 1) })));
    expect(tableRows(store.path)).toEqual({ staged: 9, folded: 0 });
    store.append([{ docId: 'd0', update: u(0, 100) }]);
    expect(tableRows(store.path)).toEqual({ staged: 0, folded: 10 });
    expect(store.load('d0').updates).toHaveLength(4);
    store.close();
  });

  it('the commit worker folds too, and its compactions clear both tables', async () => {
    const store = SqliteStore.open({ dir: tempDir(), nodeId: 1, foldRows: 16 });
    const wc = new WorkerCommitter(store.path, 'full', 8192, 16);
    const seqs: number[] = [];
    for (let round = 0; round < 5; round++) {
      const batch = Array.from({ length: 7 }, (_, i) => wc.append(`d${i % 2}`, u(i % 2, round * 7 + i + 1)));
      seqs.push(...(await Promise.all(batch)));
    }
    await wc.flush();
    const rows = tableRows(store.path);
    expect(rows.folded).toBeGreaterThan(0);
    expect(rows.staged + rows.folded).toBe(35);
    expect(store.load('d0').updates).toHaveLength(20);
    const upTo = store.lastSeq('d1');
    await wc.compact('d1', u(1, 1000), upTo);
    expect(store.load('d1')).toMatchObject({ updates: [], snapshotUpTo: upTo, lastSeq: upTo });
    const after = tableRows(store.path);
    expect(after.staged + after.folded).toBe(20);
    await wc.close();
    store.close();
  });

  it('migrates a one-table log, keeping every entry and the position counter', () => {
    const dir = tempDir();
    const old = new Database(`${dir}/node-1.sqlite`);
    old.exec(`
      CREATE TABLE updates (seq INTEGER PRIMARY KEY AUTOINCREMENT, doc TEXT NOT NULL, data BLOB NOT NULL);
      CREATE INDEX updates_by_doc ON updates (doc, seq);
      CREATE TABLE snapshots (doc TEXT PRIMARY KEY, data BLOB NOT NULL, upto INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;`);
    const insert = old.prepare('INSERT INTO updates (doc, data) VALUES (?, ?)');
    for (let i = 1; i <= 6; i++) insert.run(`d${i % 2}`, u(i % 2, i));
    // The highest positions were compacted away: new ones must still come after them.
    old.prepare('DELETE FROM updates WHERE seq > 4').run();
    old.prepare("INSERT INTO meta (key, value) VALUES ('term', '3')").run();
    old.close();

    const store = SqliteStore.open({ dir, nodeId: 1 });
    expect(store.load('d0').updates.map((x) => Array.from(x))).toEqual([
      Array.from(u(0, 2)),
      Array.from(u(0, 4)),
    ]);
    expect(store.load('d1').updates).toHaveLength(2);
    expect(store.getMeta('term')).toBe('3');
    const [next] = store.append([{ docId: 'd1', update: u(1, 7) }]);
    expect(next).toBe(7);
    store.close();
    const db = new Database(`${dir}/node-1.sqlite`, { readonly: true });
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]
    ).map((r) => r.name);
    db.close();
    expect(tables).not.toContain('updates');
  });
});
