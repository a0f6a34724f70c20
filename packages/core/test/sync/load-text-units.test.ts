/**
 * `unitsOnly` (fast formatted-text load): an origin or mark anchor naming a mark's clock is
 * refused, with a replica's dense table of run starts and with the search of its clock order.
 */
import { Doc, type Text } from '@accord/core';
import { describe, expect, it } from 'vitest';
import { MarkOp } from '../../src/doc/marks.js';
import { Item, NO_CLIENT } from '../../src/sequence/item.js';
import type { Struct } from '../../src/store/struct-store.js';
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
