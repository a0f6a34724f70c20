import { afterEach, describe, expect, it } from 'vitest';
import { GroupCommitter } from '../../src/storage/group-commit.js';
import { SqliteStore, StoreClosedError } from '../../src/storage/sqlite-store.js';
import { gsetEngine, gsetUpdate } from '../support/gset-engine.js';
import { removeTempDirs, tempDir } from '../support/tmp.js';

afterEach(removeTempDirs);

const u = (replica: number, counter: number, payload = `${replica}.${counter}`) =>
  gsetUpdate([{ replica, counter, payload }]);

describe('SqliteStore', () => {
  it('uses WAL and the requested synchronous level', () => {
    const dir = tempDir();
    const full = SqliteStore.open({ dir, nodeId: 1 });
    expect(full.sync).toBe('full');
    expect(full.path.endsWith('node-1.sqlite')).toBe(true);
    full.close();
    const normal = SqliteStore.open({ dir, nodeId: 2, sync: 'normal' });
    expect(normal.sync).toBe('normal');
    normal.close();
  });

  it('appends in order and restores every update after reopening', () => {
    const dir = tempDir();
    const a = SqliteStore.open({ dir, nodeId: 1 });
    const seqs = a.append([
      { docId: 'd1', update: u(1, 1) },
      { docId: 'd2', update: u(2, 1) },
      { docId: 'd1', update: u(1, 2) },
    ]);
    expect(seqs).toHaveLength(3);
    expect(seqs[0]).toBeLessThan(seqs[1] as number);
    a.close();
    const b = SqliteStore.open({ dir, nodeId: 1 });
    const d1 = b.load('d1');
    expect(d1.snapshot).toBeNull();
    expect(d1.updates.map((x) => Array.from(x))).toEqual([Array.from(u(1, 1)), Array.from(u(1, 2))]);
    expect(d1.lastSeq).toBe(seqs[2]);
    expect(b.lastSeq('d1')).toBe(seqs[2]);
    expect(b.lastSeq('nothing')).toBe(0);
    expect(b.documents().sort()).toEqual(['d1', 'd2']);
    expect(b.load('nothing')).toEqual({ snapshot: null, snapshotUpTo: 0, updates: [], lastSeq: 0 });
    b.close();
  });

  it('compacts: snapshot plus later updates equals the document, covered entries are dropped', () => {
    const dir = tempDir();
    const s = SqliteStore.open({ dir, nodeId: 1 });
    s.append([1, 2, 3].map((c) => ({ docId: 'd', update: u(1, c) })));
    const before = s.load('d');
    s.compact('d', gsetEngine.merge(before.updates), before.lastSeq);
    s.append([{ docId: 'd', update: u(1, 4) }]);
    expect(s.logLength('d')).toBe(1);
    s.close();
    const r = SqliteStore.open({ dir, nodeId: 1 });
    const after = r.load('d');
    expect(after.updates).toHaveLength(1);
    const doc = gsetEngine.create() as ReturnType<typeof gsetEngine.create> & { toJSON(): string[] };
    doc.apply(after.snapshot as Uint8Array);
    for (const x of after.updates) doc.apply(x);
    expect(doc.toJSON()).toEqual(['1.1', '1.2', '1.3', '1.4']);
    // An older snapshot never replaces a newer one.
    r.compact('d', u(1, 1), 1);
    expect(r.load('d').snapshotUpTo).toBe(before.lastSeq);
    r.close();
  });

  it('persists metadata durably and refuses use after close', () => {
    const dir = tempDir();
    const s = SqliteStore.open({ dir, nodeId: 3 });
    s.setMeta('term', '7');
    s.setMeta('term', '8');
    s.close();
    s.close();
    expect(() => s.append([{ docId: 'd', update: u(1, 1) }])).toThrow(StoreClosedError);
    const r = SqliteStore.open({ dir, nodeId: 3 });
    expect(r.getMeta('term')).toBe('8');
    expect(r.getMeta('vote')).toBeUndefined();
    r.close();
  });

  it('stores a version and the metadata naming it together, or neither', () => {
    const dir = tempDir();
    const s = SqliteStore.open({ dir, nodeId: 1, sync: 'normal' });
    const version = (seq: number, data: unknown) => ({
      term: 1,
      seq,
      at: 1000 + seq,
      stateVector: new Uint8Array([0]),
      data: data as Uint8Array,
    });
    s.putVersion('d', version(1, new Uint8Array([1])), 0, { key: 'snap:d', value: '1' });
    // The version's bytes cannot be bound: the transaction fails, and the number stays at 1.
    expect(() => s.putVersion('d', version(2, { not: 'bytes' }), 0, { key: 'snap:d', value: '2' })).toThrow();
    expect(s.getMeta('snap:d')).toBe('1');
    expect(s.listVersions('d').map((v) => v.seq)).toEqual([1]);
    s.close();
    const r = SqliteStore.open({ dir, nodeId: 1 });
    expect(r.getMeta('snap:d')).toBe('1');
    expect(r.listVersions('d').map((v) => v.seq)).toEqual([1]);
    r.close();
  });

  it('stores nothing of a batch whose transaction fails', () => {
    const dir = tempDir();
    const s = SqliteStore.open({ dir, nodeId: 1 });
    const bad = { docId: null as unknown as string, update: u(1, 2) };
    expect(() => s.append([{ docId: 'd', update: u(1, 1) }, bad])).toThrow();
    expect(s.load('d').updates).toHaveLength(0);
    s.close();
  });
});

describe('GroupCommitter', () => {
  it('commits the appends of one event-loop turn in one transaction and resolves them in order', async () => {
    const dir = tempDir();
    const s = SqliteStore.open({ dir, nodeId: 1 });
    const gc = new GroupCommitter(s);
    const batches: number[] = [];
    gc.onBatch(({ size, perDoc }) => {
      batches.push(size);
      expect([...perDoc.values()].reduce((a, b) => a + b, 0)).toBe(size);
    });
    const first = Array.from({ length: 50 }, (_, i) => gc.append(`d${i % 3}`, u(1, i + 1)));
    expect(gc.pending).toBe(50);
    const seqs = await Promise.all(first);
    expect(batches).toEqual([50]);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    const second = await Promise.all([gc.append('d0', u(2, 1)), gc.append('d1', u(2, 2))]);
    expect(batches).toEqual([50, 2]);
    expect(second[0]).toBeGreaterThan(seqs[49] as number);
    s.close();
  });

  it('splits a long queue into bounded transactions', async () => {
    const s = SqliteStore.open({ dir: tempDir(), nodeId: 1 });
    const gc = new GroupCommitter(s, 10);
    const sizes: number[] = [];
    gc.onBatch(({ size }) => sizes.push(size));
    await Promise.all(Array.from({ length: 25 }, (_, i) => gc.append('d', u(1, i + 1))));
    expect(sizes).toEqual([10, 10, 5]);
    expect(s.load('d').updates).toHaveLength(25);
    s.close();
  });

  it('rejects every append of a failed transaction and keeps working afterwards', async () => {
    const s = SqliteStore.open({ dir: tempDir(), nodeId: 1 });
    const gc = new GroupCommitter(s);
    const ok = gc.append('d', u(1, 1));
    const bad = gc.append(null as unknown as string, u(1, 2));
    await expect(ok).rejects.toThrow();
    await expect(bad).rejects.toThrow();
    expect(s.load('d').updates).toHaveLength(0);
    await expect(gc.append('d', u(1, 1))).resolves.toBeGreaterThan(0);
    s.close();
  });

  it('flush commits synchronously (shutdown path)', async () => {
    const s = SqliteStore.open({ dir: tempDir(), nodeId: 1 });
    const gc = new GroupCommitter(s);
    const p = gc.append('d', u(1, 1));
    gc.flush();
    expect(gc.pending).toBe(0);
    expect(s.load('d').updates).toHaveLength(1);
    await p;
    s.close();
  });
});
