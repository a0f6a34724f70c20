/**
 * A transaction's update is written three ways (`encode-transaction.ts`): as records for a small
 * one, straight from the structs as columns for a large one, and for a local edit of one text or
 * list from its runs (`encode-own-runs.ts`). All must give the same bytes. Three replicas of one
 * id and clock run the same random transactions, one writing every update as columns, one as
 * records, one by the own-runs path where it applies (records elsewhere): every `'update'` event
 * must be equal, bit for bit, for local transactions (text, list, map, counter, marks, nested
 * containers, deletions) and for remote updates applied.
 */
import { applyUpdate, Doc, encodeStateAsUpdate, encodeStateVector, type List, Text } from '@accord/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { columnsFrom, ownRunsPath } from '../../src/doc/encode-transaction.js';
import { MARK_KEYS } from '../arbitraries/rich-text.js';

const DEFAULT = columnsFrom.units;
afterEach(() => {
  columnsFrom.units = DEFAULT;
  ownRunsPath.on = true;
});

/** A replica with a fixed id and a counting clock, and the updates it emitted. */
function replica(clientId: number) {
  let now = 1_000_000;
  const doc = new Doc({ clientId, now: () => now++ });
  const updates: Uint8Array[] = [];
  doc.on('update', (u) => updates.push(u));
  return { doc, updates };
}

/** How a replica writes its updates. */
type Mode = 'columns' | 'records' | 'ownRuns';

/** Run `f` with updates written as columns, as records, or by the own-runs path (else records). */
function writing<T>(mode: Mode, f: () => T): T {
  columnsFrom.units = mode === 'columns' ? 0 : Number.POSITIVE_INFINITY;
  ownRunsPath.on = mode === 'ownRuns';
  try {
    return f();
  } finally {
    columnsFrom.units = DEFAULT;
    ownRunsPath.on = true;
  }
}

/** One random edit of `doc` driven by `r`. */
function edit(doc: Doc, kind: number, r: number): void {
  const t: Text = doc.getText('t');
  const l: List = doc.getList('l');
  const len = t.length;
  switch (kind) {
    case 0:
    case 1:
      t.insert(r % (len + 1), String.fromCharCode(97 + (r % 26)).repeat(1 + (r % 3)));
      break;
    case 2:
      if (len > 0) t.delete(r % len, 1 + (r % Math.min(3, len - (r % len))));
      break;
    case 3:
      if (len > 0) {
        const at = r % len;
        t.format(at, 1 + (r % (len - at)), {
          [MARK_KEYS[r % MARK_KEYS.length] as string]: r % 5 === 0 ? null : true,
        });
      }
      break;
    case 4:
      l.insert(r % (l.length + 1), [r, `v${r}`]);
      break;
    case 5:
      if (l.length > 0) l.delete(r % l.length, 1);
      break;
    case 6:
      doc.getMap('m').set(`k${r % 5}`, r);
      break;
    case 7:
      doc.getCounter('c').increment(1 + (r % 4));
      break;
    case 9: {
      // Typing into a nested text that exists (a parent reference by holder id, not by name).
      const nested = doc.getMap('m').get(`n${r % 3}`);
      if (nested instanceof Text) nested.insert(r % (nested.length + 1), String.fromCharCode(97 + (r % 26)));
      break;
    }
    default: {
      // A nested text in the map, typed into.
      const nested = doc.getMap('m').setContainer(`n${r % 3}`, 'text') as Text;
      nested.insert(0, `x${r}`);
    }
  }
}

/** Every step's edit of `doc`, each `r` shifted by `shift`. */
function run(doc: Doc, steps: readonly { kind: number; r: number }[], shift: number): void {
  for (const s of steps) edit(doc, s.kind, s.r + shift);
}

const MODES: readonly Mode[] = ['columns', 'records', 'ownRuns'];

/**
 * Three replicas of one id (one per {@link Mode}) run `txns`, and at transaction `remoteAt` take
 * in an update of another replica that edited what it got (steps shifted by 1); their updates,
 * and their documents, must be equal, bit for bit.
 */
function sameUpdates(txns: readonly (readonly { kind: number; r: number }[])[], remoteAt: number): void {
  const replicas = MODES.map(() => replica(5));
  const other = replica(9);
  for (let k = 0; k < txns.length; k++) {
    const steps = txns[k] as { kind: number; r: number }[];
    MODES.forEach((mode, m) => {
      const { doc } = replicas[m] as ReturnType<typeof replica>;
      writing(mode, () => doc.transact(() => run(doc, steps, 0)));
    });
    if (k === remoteAt % txns.length) {
      const first = (replicas[0] as ReturnType<typeof replica>).doc;
      const sv = encodeStateVector(other.doc);
      applyUpdate(other.doc, encodeStateAsUpdate(first, sv));
      const before = encodeStateVector(other.doc);
      other.doc.transact(() => run(other.doc, steps, 1));
      const remote = encodeStateAsUpdate(other.doc, before);
      MODES.forEach((mode, m) => {
        const { doc } = replicas[m] as ReturnType<typeof replica>;
        writing(mode, () => applyUpdate(doc, remote));
      });
    }
  }
  const [a, b, c] = replicas as [
    ReturnType<typeof replica>,
    ReturnType<typeof replica>,
    ReturnType<typeof replica>,
  ];
  expect(b.updates.length).toBe(a.updates.length);
  expect(c.updates.length).toBe(a.updates.length);
  for (let i = 0; i < a.updates.length; i++) {
    expect(b.updates[i]).toEqual(a.updates[i]);
    expect(c.updates[i]).toEqual(a.updates[i]);
  }
  expect(encodeStateAsUpdate(b.doc)).toEqual(encodeStateAsUpdate(a.doc));
  expect(encodeStateAsUpdate(c.doc)).toEqual(encodeStateAsUpdate(a.doc));
}

describe('a transaction written as columns, as records and from its own runs (property)', () => {
  it('gives the same update, local or remote', () => {
    const txn = fc.array(fc.record({ kind: fc.nat(8), r: fc.nat(10_000) }), { minLength: 1, maxLength: 120 });
    fc.assert(
      fc.property(fc.array(txn, { minLength: 1, maxLength: 8 }), fc.nat(7), (txns, remoteAt) =>
        sameUpdates(txns, remoteAt),
      ),
      { numRuns: 120 },
    );
  });

  it('gives the same update for typing: keystrokes, backspaces and replacements in a text or a list', () => {
    // Kinds 0-2 edit the text (3 formats it), 4-5 the list, 9 a nested text (8 makes one): short transactions
    // (a keystroke) up to ones with more runs than the own-runs path takes, each touching one
    // sequence.
    const step = (kinds: readonly number[]) =>
      fc.record({ kind: fc.constantFrom(...kinds), r: fc.nat(10_000) });
    const txn = fc.oneof(
      fc.array(step([0, 1, 2]), { minLength: 1, maxLength: 3 }),
      fc.array(step([4, 5]), { minLength: 1, maxLength: 3 }),
      fc.array(step([9]), { minLength: 1, maxLength: 3 }),
      fc.array(step([8]), { minLength: 1, maxLength: 1 }),
      fc.array(step([3]), { minLength: 1, maxLength: 1 }),
      fc.array(step([0, 1, 2]), { minLength: 20, maxLength: 60 }),
    );
    const written = ownRunsPath.written;
    fc.assert(
      fc.property(fc.array(txn, { minLength: 1, maxLength: 30 }), fc.nat(29), (txns, remoteAt) =>
        sameUpdates(txns, remoteAt),
      ),
      { numRuns: 150 },
    );
    // The path under test was taken (not only its fallbacks).
    expect(ownRunsPath.written - written).toBeGreaterThan(200);
  });

  it('writes by default (columns for a large transaction, own runs for a keystroke) the bytes records give', () => {
    const a = replica(5);
    const b = replica(5);
    const text = 'x'.repeat(200);
    a.doc.getText('t').insert(0, 'start');
    writing('records', () => b.doc.getText('t').insert(0, 'start'));
    a.doc.transact(() => {
      for (let i = 0; i < 100; i++) a.doc.getText('t').insert((i * 7) % (5 + i), text.slice(0, 1 + (i % 3)));
    });
    writing('records', () =>
      b.doc.transact(() => {
        for (let i = 0; i < 100; i++)
          b.doc.getText('t').insert((i * 7) % (5 + i), text.slice(0, 1 + (i % 3)));
      }),
    );
    expect(a.updates).toEqual(b.updates);
  });
});
