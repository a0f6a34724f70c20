/**
 * `unitsOnly` (fast formatted-text load): an origin or mark anchor naming a mark's clock is
 * refused, with a replica's dense table of run starts and with the search of its clock order;
 * the clock of a document loaded that way folds in the latest mark time.
 */
import { applyUpdate, Doc, encodeStateAsUpdate, type Text } from '@accord/core';
import { describe, expect, it } from 'vitest';
import { MarkOp } from '../../src/doc/marks.js';
import { Item, NO_CLIENT } from '../../src/sequence/item.js';
import type { Struct } from '../../src/store/struct-store.js';
import { tryLoadTextSnapshot } from '../../src/sync/load-text.js';
import { fillMarks, unitsOnly } from '../../src/sync/load-text-marks.js';

/** Replica 0 wrote "ab" (clocks 0-1), a mark (clock 2), then "c" (clock 3) after origin `ol`. */
function shape(ol: number, markStart: number): { items: Item[]; marks: MarkOp[]; text: Text } {
  const text = new Doc({ clientId: 1 }).getText('t');
  const items = [
    new Item(0, 0, 2, NO_CLIENT, 0, NO_CLIENT, 0, null),
    new Item(0, 3, 1, 0, ol, NO_CLIENT, 0, null),
  ];
  const mark = new MarkOp(0, 2, text, 0, markStart, false, NO_CLIENT, 0, false, 'bold', true, 1, 0);
  return { items, marks: [mark], text };
}

/** `unitsOnly` with the replica's dense table (as the load fills it) or without one. */
function check(ol: number, markStart: number, dense: boolean): boolean {
  const { items, marks } = shape(ol, markStart);
  const table = new Int32Array(4);
  items.forEach((it, i) => {
    table[it.clock] = i + 1;
  });
  const tables = [table];
  expect(fillMarks(marks, tables, items.length)).toBe(true);
  const order: Struct[] = [items[0] as Item, marks[0] as MarkOp, items[1] as Item];
  return unitsOnly([order], dense ? tables : [null], items, marks);
}

describe('unitsOnly', () => {
  for (const dense of [true, false]) {
    const how = dense ? 'with a dense table' : 'by search';
    it(`takes origins and anchors on units (${how})`, () => {
      expect(check(1, 0, dense)).toBe(true);
      expect(check(3, 1, dense)).toBe(true);
    });
    it(`refuses an item origin on a mark's clock (${how})`, () => {
      expect(check(2, 0, dense)).toBe(false);
    });
    it(`refuses a mark anchor on a mark's clock (${how})`, () => {
      expect(check(1, 2, dense)).toBe(false);
    });
  }
});

describe('fast formatted-text load and the hybrid clock', () => {
  it('folds in the latest mark time, logical counter included, as the general path does', () => {
    // A frozen wall clock: marks differ by their logical counter only; replica 2's are later.
    const a = new Doc({ clientId: 1, now: () => 5 });
    const b = new Doc({ clientId: 2, now: () => 5 });
    a.getText('t').insert(0, 'abcdef');
    applyUpdate(b, encodeStateAsUpdate(a));
    for (let i = 0; i < 3; i++) a.getText('t').format(i, 1, { bold: true });
    for (let i = 0; i < 5; i++) b.getText('t').format(i, 1, { italic: true });
    applyUpdate(a, encodeStateAsUpdate(b));
    const bytes = encodeStateAsUpdate(a);
    const fast = new Doc({ clientId: 9, now: () => 1 });
    expect(tryLoadTextSnapshot(fast, bytes, null)).toBe(true);
    const general = new Doc({ clientId: 9, now: () => 1 });
    general.getText('t').observe(() => {});
    applyUpdate(general, bytes);
    expect(fast.hlc.peek()).toEqual(general.hlc.peek());
    expect(fast.hlc.peek().logical).toBeGreaterThan(0);
  });
});
