/**
 * Where plain text typed next to deleted units goes: after them (as Yjs puts it), so text typed
 * after a backspace continues the deleted run's clocks and origin, and the two become one run once
 * deleted too. Formatted text keeps its own rule (`Text.deadAnchorAfter`): there, where new text
 * sits among tombstones decides which marks cover it.
 */
import { applyUpdate, Doc, encodeStateAsUpdate, type Text } from '@accord/core';
import { describe, expect, it } from 'vitest';
import type { Item } from '../../src/sequence/item.js';

/** The items of text `t` as `[clock, len, deleted, olClock]`. */
function items(t: Text): [number, number, boolean, number][] {
  const out: [number, number, boolean, number][] = [];
  for (const leaf of t.seq.index.leaves)
    for (const it of leaf.items as Item[]) out.push([it.clock, it.len, it.deleted, it.olClock]);
  return out;
}

/** Type `s` at `at` one keystroke per transaction. */
function type(doc: Doc, t: Text, at: number, s: string): void {
  for (let i = 0; i < s.length; i++) doc.transact(() => t.insert(at + i, s[i] as string));
}

describe('plain text typed next to deleted units', () => {
  it('goes after them: typing after a backspace continues the deleted run', () => {
    const doc = new Doc({ clientId: 1 });
    const t = doc.getText('t');
    type(doc, t, 0, 'abc');
    doc.transact(() => t.delete(2, 1));
    type(doc, t, 2, 'de');
    expect(t.toString()).toBe('abde');
    // "de" follows the deleted "c" (its left origin is c's clock 2), not "b".
    expect(items(t)).toEqual([
      [0, 2, false, 0],
      [2, 1, true, 1],
      [3, 2, false, 2],
    ]);
    // Deleting the retyped text too leaves one tombstone run, encoded as one record.
    doc.transact(() => t.delete(2, 2));
    expect(items(t)).toEqual([
      [0, 2, false, 0],
      [2, 3, true, 1],
    ]);
    const copy = new Doc({ clientId: 2 });
    applyUpdate(copy, encodeStateAsUpdate(doc));
    expect(copy.getText('t').toString()).toBe('ab');
  });

  it('goes after every tombstone before the next visible unit, whoever deleted them', () => {
    const a = new Doc({ clientId: 1 });
    const b = new Doc({ clientId: 2 });
    const ta = a.getText('t');
    ta.insert(0, 'xy');
    applyUpdate(b, encodeStateAsUpdate(a));
    const tb = b.getText('t');
    tb.insert(1, 'PQR');
    tb.delete(1, 3);
    applyUpdate(a, encodeStateAsUpdate(b));
    // a types between x and y: after b's tombstones, before y.
    ta.insert(1, 'z');
    const its = items(ta);
    expect(ta.toString()).toBe('xzy');
    expect(its.map(([, len, deleted]) => [len, deleted])).toEqual([
      [1, false],
      [3, true],
      [1, false],
      [1, false],
    ]);
    // Both replicas converge on the same order.
    applyUpdate(b, encodeStateAsUpdate(a));
    expect(tb.toString()).toBe('xzy');
    expect(encodeStateAsUpdate(b)).toEqual(encodeStateAsUpdate(a));
  });

  it('formatted text: new text stays before a tombstone a mark is anchored to (a bold end there grows)', () => {
    const doc = new Doc({ clientId: 1 });
    const t = doc.getText('t');
    type(doc, t, 0, 'abcd');
    doc.transact(() => t.format(0, 3, { bold: true }));
    doc.transact(() => t.delete(3, 1));
    type(doc, t, 3, 'e');
    // Bold grows at its end (Peritext): "e" sits before the tombstone its end is anchored to.
    expect(t.toDelta()).toEqual([{ insert: 'abce', attributes: { bold: true } }]);
    expect(items(t).map(([clock, len, deleted]) => [clock, len, deleted])).toEqual([
      [0, 3, false],
      [5, 1, false],
      [3, 1, true],
    ]);
  });

  it('formatted text: new text goes after tombstones no mark is anchored to', () => {
    const doc = new Doc({ clientId: 1 });
    const t = doc.getText('t');
    type(doc, t, 0, 'abcdef');
    doc.transact(() => t.format(0, 2, { bold: true }));
    doc.transact(() => t.delete(3, 2));
    type(doc, t, 3, 'x');
    expect(t.toDelta()).toEqual([{ insert: 'ab', attributes: { bold: true } }, { insert: 'cxf' }]);
    // "x" follows the deleted "de" (clocks 3-4): its left origin is 4.
    expect(items(t).map(([clock, len, deleted, ol]) => [clock, len, deleted, ol])).toEqual([
      [0, 3, false, 0],
      [3, 2, true, 2],
      [7, 1, false, 4],
      [5, 1, false, 4],
    ]);
  });

  it('formatted text: new text moves past unanchored tombstones up to the first anchored one', () => {
    const doc = new Doc({ clientId: 1 });
    const t = doc.getText('t');
    type(doc, t, 0, 'abcdefgh');
    // Bold over "fg": its start sits before f (clock 5), its end before h.
    doc.transact(() => t.format(5, 2, { bold: true }));
    doc.transact(() => t.delete(2, 5));
    type(doc, t, 2, 'xy');
    // Before f's anchor, so not bold; after the deleted "cde" (clocks 2-4), continuing them.
    expect(t.toDelta()).toEqual([{ insert: 'abxyh' }]);
    expect(items(t).map(([clock, len, deleted, ol]) => [clock, len, deleted, ol])).toEqual([
      [0, 2, false, 0],
      [2, 3, true, 1],
      [9, 2, false, 4],
      [5, 2, true, 4],
      [7, 1, false, 6],
    ]);
  });

  it('formatted text: after the last tombstone an anchor sits after, then past unanchored ones', () => {
    const doc = new Doc({ clientId: 1 });
    const t = doc.getText('t');
    type(doc, t, 0, 'abcdefgh');
    // A link over "cd" does not grow: its end sits after d (clock 3).
    doc.transact(() => t.format(2, 2, { link: 'https://a.example' }));
    doc.transact(() => t.delete(2, 4));
    type(doc, t, 2, 'x');
    // Not linked (after the link's end), and after the deleted "ef" too (no anchor on them).
    expect(t.toDelta()).toEqual([{ insert: 'abxgh' }]);
    const its = items(t).map(([clock, len, deleted, ol]) => [clock, len, deleted, ol]);
    expect(its[its.length - 3]).toEqual([2, 4, true, 1]);
    expect(its[its.length - 2]).toEqual([9, 1, false, 5]);
    // A replica that loads the update places it the same way.
    const copy = new Doc({ clientId: 2 });
    applyUpdate(copy, encodeStateAsUpdate(doc));
    expect(copy.getText('t').toDelta()).toEqual(t.toDelta());
    expect(encodeStateAsUpdate(copy)).toEqual(encodeStateAsUpdate(doc));
  });
});
