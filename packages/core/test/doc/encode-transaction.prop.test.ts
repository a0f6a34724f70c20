/**
 * A transaction's update is written two ways (`encode-transaction.ts`): as records for a small
 * one, straight from the structs as columns for a large one. Both must give the same bytes. Two
 * replicas of one id and clock run the same random transactions, one writing every update as
 * columns and one as records: every `'update'` event must be equal, bit for bit, for local
 * transactions (text, list, map, counter, marks, nested containers, deletions) and for remote
 * updates applied.
 */
import { applyUpdate, Doc, encodeStateAsUpdate, encodeStateVector, type List, type Text } from '@accord/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { columnsFrom } from '../../src/doc/encode-transaction.js';
import { MARK_KEYS } from '../arbitraries/rich-text.js';

const DEFAULT = columnsFrom.units;
afterEach(() => {
  columnsFrom.units = DEFAULT;
});

/** A replica with a fixed id and a counting clock, and the updates it emitted. */
function replica(clientId: number) {
  let now = 1_000_000;
  const doc = new Doc({ clientId, now: () => now++ });
  const updates: Uint8Array[] = [];
  doc.on('update', (u) => updates.push(u));
  return { doc, updates };
}

/** Run `f` with updates written as columns (`columns`) or as records. */
function writing<T>(columns: boolean, f: () => T): T {
  columnsFrom.units = columns ? 0 : Number.POSITIVE_INFINITY;
  try {
    return f();
  } finally {
    columnsFrom.units = DEFAULT;
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
    default: {
      // A nested text in the list, typed into.
      const nested = doc.getMap('m').setContainer(`n${r % 3}`, 'text') as Text;
      nested.insert(0, `x${r}`);
    }
  }
}

/** Every step's edit of `doc`, each `r` shifted by `shift`. */
function run(doc: Doc, steps: readonly { kind: number; r: number }[], shift: number): void {
  for (const s of steps) edit(doc, s.kind, s.r + shift);
}

describe('a transaction written as columns and as records (property)', () => {
  it('gives the same update, local or remote', () => {
    const txn = fc.array(fc.record({ kind: fc.nat(8), r: fc.nat(10_000) }), { minLength: 1, maxLength: 120 });
    fc.assert(
      fc.property(fc.array(txn, { minLength: 1, maxLength: 8 }), fc.nat(7), (txns, remoteAt) => {
        const a = replica(5);
        const b = replica(5);
        const other = replica(9);
        for (let k = 0; k < txns.length; k++) {
          const steps = txns[k] as { kind: number; r: number }[];
          writing(true, () => a.doc.transact(() => run(a.doc, steps, 0)));
          writing(false, () => b.doc.transact(() => run(b.doc, steps, 0)));
          if (k === remoteAt % txns.length) {
            // Another replica edits what it got, and both take its update in.
            const sv = encodeStateVector(other.doc);
            applyUpdate(other.doc, encodeStateAsUpdate(a.doc, sv));
            const before = encodeStateVector(other.doc);
            other.doc.transact(() => run(other.doc, steps, 1));
            const remote = encodeStateAsUpdate(other.doc, before);
            writing(true, () => applyUpdate(a.doc, remote));
            writing(false, () => applyUpdate(b.doc, remote));
          }
        }
        expect(a.updates.length).toBe(b.updates.length);
        for (let i = 0; i < a.updates.length; i++) expect(a.updates[i]).toEqual(b.updates[i]);
        expect(encodeStateAsUpdate(a.doc)).toEqual(encodeStateAsUpdate(b.doc));
      }),
      { numRuns: 150 },
    );
  });

  it('writes a large transaction as columns by default, and a keystroke as records', () => {
    const a = replica(5);
    const b = replica(5);
    const text = 'x'.repeat(200);
    a.doc.getText('t').insert(0, 'start');
    writing(false, () => b.doc.getText('t').insert(0, 'start'));
    a.doc.transact(() => {
      for (let i = 0; i < 100; i++) a.doc.getText('t').insert((i * 7) % (5 + i), text.slice(0, 1 + (i % 3)));
    });
    writing(false, () =>
      b.doc.transact(() => {
        for (let i = 0; i < 100; i++)
          b.doc.getText('t').insert((i * 7) % (5 + i), text.slice(0, 1 + (i % 3)));
      }),
    );
    expect(a.updates).toEqual(b.updates);
  });
});
