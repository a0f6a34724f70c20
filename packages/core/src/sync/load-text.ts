/**
 * The fastest snapshot path, for the most common document shape: a snapshot holding exactly one
 * root text (and nothing else but its marks, `load-text-marks.ts`) loads into an empty document straight from the bytes into items,
 * without intermediate records. Everything is checked before the document is touched: the ids of
 * each replica tile `0 .. n-1`, every origin exists, the items are in the order their origins give
 * (`order-check.ts`). Anything else, or anything unusual, returns
 * false and the caller takes the general snapshot path (which reports errors precisely).
 *
 * A cold load runs each loop here once, mostly in the interpreter, so the loops are written for
 * that: one pass over the bytes with the varint reads inlined (`load-text-parse.ts`), no closures,
 * temporary arrays or per-record objects besides the items themselves, and no sort or search when
 * the clocks of a replica are dense (see {@link clockOrder}).
 */

import type { Doc } from '../doc/doc.js';
import type { MarkOp } from '../doc/marks.js';
import type { Text } from '../doc/text.js';
import { DecodeError } from '../errors.js';
import type { Item } from '../sequence/item.js';
import type { Struct } from '../store/struct-store.js';
import { fillMarks, markStructs, resolvePositions, unitsOnly } from './load-text-marks.js';
import { clientIndexesByClock, clockOrder, DENSE_SPAN, fill } from './load-text-order.js';
import { type Parsed, parseTextSnapshot } from './load-text-parse.js';
import { orderFollowsOrigins } from './order-check.js';
import { sparseFromSorted } from './order-integrate.js';

/**
 * Load `bytes` into `doc` when it is a snapshot of exactly one root text and `doc` is empty;
 * false (nothing changed) otherwise.
 */
export function tryLoadTextSnapshot(doc: Doc, bytes: Uint8Array, origin: unknown): boolean {
  if (!(bytes instanceof Uint8Array)) return false;
  if (doc.store.clients.size > 0 || doc.pendingCount > 0 || !doc.pendingDeletes.isEmpty) return false;
  if (doc.observerCount > 0 || doc.clientIds.length !== 1) return false;
  let parsed: Parsed | null;
  try {
    parsed = parseTextSnapshot(bytes, doc.clientId);
  } catch (e) {
    if (e instanceof DecodeError) return false;
    throw e;
  }
  if (parsed === null) return false;
  const { name, ids, items, text, counts, sums } = parsed;
  const tables: (Int32Array | null)[] = [];
  for (let c = 0; c < ids.length; c++) {
    const count = counts[c] as number;
    const sum = sums[c] as number;
    tables.push(count > 0 && sum <= DENSE_SPAN * count + 65536 ? new Int32Array(sum) : null);
  }
  const starts = parsed.pending.length > 0 ? new Float64Array(items.length + 1) : null;
  if (!fill(items, parsed.live, text, sums, tables, parsed.cols, starts)) return false;
  // Anchors written as positions, found with the tables `fill` made.
  if (starts !== null && !resolvePositions(parsed.pending, tables, parsed.cols, starts)) return false;
  // Marks are structs of the text's root, made once the items proved sound.
  const root = parsed.marks.length === 0 ? null : (doc.root('text', name) as Text);
  const marks = root === null ? [] : markStructs(root, parsed.marks);
  if (!fillMarks(marks, tables, items.length)) return false;
  const structs: (Item | MarkOp)[] = marks.length === 0 ? items : [...items, ...marks];
  const orders: (Struct[] | null)[] = [];
  // A replica without a dense table is sorted by clock once, for its tiling and the order check.
  const sorted: (Int32Array | null)[] = [];
  for (let c = 0; c < ids.length; c++) {
    const count = counts[c] as number;
    const table = tables[c] ?? null;
    const byClock = count > 0 && table === null ? clientIndexesByClock(structs, c) : null;
    sorted.push(byClock);
    const order = count === 0 ? null : clockOrder(structs, count, sums[c] as number, table, byClock);
    if (count > 0 && order === null) return false;
    orders.push(order);
  }
  // With marks in the tiling, a clock in a replica's range may be a mark: check every reference.
  if (marks.length > 0 && !unitsOnly(orders, tables, items, marks)) return false;
  // The stored order must be the one the origins give (see order-check.ts).
  const idOf = (c: number) => ids[c] as number;
  const sparse = sorted.some((l) => l !== null) ? sparseFromSorted(sorted, items.length, idOf) : undefined;
  if (!orderFollowsOrigins(parsed.cols, idOf, tables, sparse === undefined ? {} : { sparse })) return false;
  // The clock folds in the latest mark time (as observing each in turn does), before anything
  // changes: a mark too far ahead of the wall clock fails the load with the document untouched.
  let wall = -1;
  let logical = 0;
  let replica = 0;
  for (let k = 0; k < marks.length; k++) {
    const m = marks[k] as MarkOp;
    if (m.wall > wall || (m.wall === wall && m.logical > logical)) {
      wall = m.wall;
      logical = m.logical;
      replica = ids[m.client] as number;
    }
  }
  if (wall >= 0) doc.hlc.observe({ wall, logical, replica });
  for (let c = 0; c < ids.length; c++) doc.clientIndex(ids[c] as number);
  const opened = doc.begin(origin, false);
  try {
    // Alone in its transaction, the load changed exactly what `bytes` hold.
    if (opened) doc.transaction.verbatim = bytes;
    const seq = (doc.root('text', name) as Text).seq;
    seq.noteText(text);
    seq.index.load(items);
    seq.index.text = text;
    for (let c = 0; c < orders.length; c++) {
      const order = orders[c];
      if (order === null || order === undefined) continue;
      doc.transaction.touchClient(c, 0);
      doc.store.runs(c).load(order);
    }
    for (let k = 0; k < marks.length; k++) (root as Text).integrateMark(marks[k] as MarkOp);
  } finally {
    if (opened) doc.commit();
  }
  return true;
}
