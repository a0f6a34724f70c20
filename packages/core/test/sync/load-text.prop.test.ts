import { applyUpdate, type Doc, encodeStateAsUpdate, encodeStateVector, type Text } from '@accord/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadFast, loadGeneral, makeDoc, syncBoth, unitsOf } from './helpers.js';

/** Same content, items, state vector and re-encoding; both documents keep working alike. */
function expectSame(fast: Doc, general: Doc): void {
  expect(fast.getText('t').toString()).toBe(general.getText('t').toString());
  expect(unitsOf(fast)).toEqual(unitsOf(general));
  expect(encodeStateVector(fast)).toEqual(encodeStateVector(general));
  expect(encodeStateAsUpdate(fast)).toEqual(encodeStateAsUpdate(general));
  // A remote edit, then local ones: the text read after each equals the general path's.
  const other = loadGeneral(encodeStateAsUpdate(general), 60);
  const o = other.getText('t');
  o.insert(0, 'r');
  if (o.length > 2) o.delete(o.length - 1, 1);
  const remote = encodeStateAsUpdate(other, encodeStateVector(general));
  applyUpdate(fast, remote);
  applyUpdate(general, remote);
  expect(fast.getText('t').toString()).toBe(o.toString());
  expect(general.getText('t').toString()).toBe(o.toString());
  const a = fast.getText('t');
  const b = general.getText('t');
  a.insert(a.length >> 1, 'xy');
  b.insert(b.length >> 1, 'xy');
  if (a.length > 3) {
    a.delete(1, 2);
    b.delete(1, 2);
  }
  expect(a.toString()).toBe(b.toString());
}

const editFields = { replica: fc.nat(2), at: fc.nat(), del: fc.nat(4), sync: fc.boolean() };
const edit = fc.record({ ...editFields, ins: fc.string({ maxLength: 6 }) });

type Edit = { replica: number; at: number; del: number; ins: string; sync: boolean };

/**
 * Three replicas that start from `base`, make `edits` (syncing with replica 0 where asked), then
 * all sync: replica 0's snapshot, after checking that the fast path loads its text.
 */
function replayEdits(edits: readonly Edit[], base: string): Uint8Array {
  const docs = [makeDoc(7), makeDoc(3), makeDoc(11)] as [Doc, Doc, Doc];
  if (base !== '') docs[0].getText('t').insert(0, base);
  syncBoth(docs[0], docs[1]);
  syncBoth(docs[0], docs[2]);
  for (const e of edits) {
    const t = (docs[e.replica] as Doc).getText('t');
    const at = t.length === 0 ? 0 : e.at % (t.length + 1);
    const del = Math.min(e.del, t.length - at);
    if (del > 0) t.delete(at, del);
    if (e.ins.length > 0) t.insert(at, e.ins);
    if (e.sync) syncBoth(docs[0], docs[e.replica] as Doc);
  }
  syncBoth(docs[0], docs[1]);
  syncBoth(docs[0], docs[2]);
  const bytes = encodeStateAsUpdate(docs[0]);
  expect(loadFast(bytes).getText('t').toString()).toBe(docs[0].getText('t').toString());
  return bytes;
}

describe('one-text snapshot fast path', () => {
  it('loads exactly what the general snapshot path loads (random concurrent texts)', () => {
    fc.assert(
      fc.property(fc.array(edit, { maxLength: 40 }), (edits) => {
        const bytes = replayEdits(edits, '');
        expectSame(loadFast(bytes), loadGeneral(bytes));
      }),
      { numRuns: 150 },
    );
  });

  it('loads packed texts (version 3) exactly as the general path does (random concurrent edits)', () => {
    const base = 'A shared paragraph that every replica starts from, long enough to be packed. '.repeat(5);
    fc.assert(
      fc.property(
        fc.array(fc.record({ ...editFields, ins: fc.string({ maxLength: 12 }) }), { maxLength: 40 }),
        (edits) => {
          const bytes = replayEdits(edits, base);
          expect(bytes[0]).toBe(3);
          expectSame(loadFast(bytes), loadGeneral(bytes));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('loads long runs (sparse clocks) and many leaves like the general path', () => {
    const a = makeDoc(1);
    const t = a.getText('t');
    t.insert(0, 'x'.repeat(200_000));
    for (let i = 0; i < 300; i++) t.insert((i * 7919) % t.length, `w${i}`);
    t.delete(100, 5_000);
    const b = makeDoc(2);
    applyUpdate(b, encodeStateAsUpdate(a));
    b.getText('t').insert(3, 'remote');
    syncBoth(a, b);
    const bytes = encodeStateAsUpdate(a);
    const fast = loadFast(bytes);
    expect(fast.getText('t').toString()).toBe(t.toString());
    expect((fast.getText('t') as Text).seq.index.leaves.length).toBeGreaterThan(5);
    expectSame(fast, loadGeneral(bytes));
  });
});
