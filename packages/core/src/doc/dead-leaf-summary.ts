/**
 * What the tombstone walk of `MarkAnchors.deadAfter` needs to know of a leaf of the position index
 * whose items are all deleted: its first unit a mark is anchored to, the last unit a mark's anchor
 * sits after, and the first anchored unit after that one. A walk that crosses such a leaf reads
 * these three units instead of looking up every item's anchors. In a document where most of what
 * was typed is deleted, the walk from the caret to the next visible unit crosses thousands of
 * tombstones at each keystroke after a backspace.
 *
 * A summary stays valid while the anchor lists are the same object (`MarkAnchors` drops the
 * summary of a leaf when a new mark is anchored to one of its units) and the leaf holds the same
 * units: same number of items, same first and last item with the same clock and length. Units
 * enter or leave a leaf only at its ends (a neighbour's run merged into its last item, the leaf
 * split or joined with a neighbour) or as new items, which no known mark is anchored to; splitting
 * or merging items inside the leaf keeps its units and their order.
 */

import { type Item, type Leaf, NO_CLIENT } from '../sequence/item.js';
import { lowerBound } from '../sorted.js';

/** The anchored units of one all-deleted leaf, and what its summary was read from. */
export interface DeadLeafSummary {
  /** The anchor lists the summary was read from (`MarkAnchors`' cache). */
  readonly anchors: Map<number, number[]>;
  /** The leaf's item count, first and last item with their clocks and lengths. */
  readonly n: number;
  readonly first: Item;
  readonly firstClock: number;
  readonly firstLen: number;
  readonly last: Item;
  readonly lastClock: number;
  readonly lastLen: number;
  /** The first unit a mark is anchored to (client index, clock), or `NO_CLIENT`. */
  readonly fc: number;
  readonly fk: number;
  /** The last unit a mark's anchor sits after, or `NO_CLIENT`. */
  readonly ac: number;
  readonly ak: number;
  /** The first anchored unit after unit (`ac`, `ak`), or `NO_CLIENT` (none in the leaf). */
  readonly sc: number;
  readonly sk: number;
}

/** Leaves with fewer items are walked item by item: a summary would not pay for itself. */
export const SUMMARY_MIN_ITEMS = 8;

/** True when `s` still describes `leaf` under the anchor lists `anchors`. */
export function summaryCurrent(s: DeadLeafSummary, leaf: Leaf, anchors: Map<number, number[]>): boolean {
  const items = leaf.items;
  const n = items.length;
  const first = items[0] as Item;
  const last = items[n - 1] as Item;
  return (
    s.anchors === anchors &&
    s.n === n &&
    s.first === first &&
    s.firstClock === first.clock &&
    s.firstLen === first.len &&
    s.last === last &&
    s.lastClock === last.clock &&
    s.lastLen === last.len
  );
}

/** What {@link anchorsIn} found in one item: clocks of its units, -1 for none. */
export interface ItemAnchors {
  /** The first unit a mark is anchored to. */
  first: number;
  /** The last unit a mark's anchor sits after (read only when `first` is set). */
  after: number;
  /** The first anchored unit after `after` (read only when `after` is set). */
  stop: number;
}

/** Scratch result of {@link anchorsIn} for {@link summarizeDeadLeaf}. */
const units: ItemAnchors = { first: -1, after: -1, stop: -1 };

/**
 * The anchored units of item `it` into `out`, given the sorted clocks per client index of every
 * anchored unit (`all`) and of those an anchor sits after (`after`, looked up only when the item
 * has an anchored unit). False, and `out` untouched, when no mark is anchored to the item.
 */
export function anchorsIn(
  it: Item,
  all: Map<number, number[]>,
  after: Map<number, number[]>,
  out: ItemAnchors,
): boolean {
  const any = all.get(it.client);
  if (any === undefined) return false;
  const end = it.clock + it.len;
  const k = lowerBound(any, it.clock);
  if (k >= any.length || (any[k] as number) >= end) return false;
  out.first = any[k] as number;
  out.after = -1;
  out.stop = -1;
  const clocks = after.get(it.client);
  if (clocks === undefined) return true;
  // The largest clock an anchor sits after below the item's end, if it is inside the item.
  const lo = lowerBound(clocks, end);
  const best = lo > 0 ? (clocks[lo - 1] as number) : -1;
  if (best < it.clock) return true;
  out.after = best;
  const n = lowerBound(any, best + 1);
  if (n < any.length && (any[n] as number) < end) out.stop = any[n] as number;
  return true;
}

/**
 * The summary of `leaf` (every item deleted, at least one), given the sorted clocks per client
 * index of every anchored unit (`all`) and of those an anchor sits after (`after`).
 */
export function summarizeDeadLeaf(
  leaf: Leaf,
  all: Map<number, number[]>,
  after: Map<number, number[]>,
): DeadLeafSummary {
  const items = leaf.items;
  let fc = NO_CLIENT;
  let fk = 0;
  let ac = NO_CLIENT;
  let ak = 0;
  let sc = NO_CLIENT;
  let sk = 0;
  for (let i = 0; i < items.length; i++) {
    const it = items[i] as Item;
    if (!anchorsIn(it, all, after, units)) continue;
    if (fc === NO_CLIENT) {
      fc = it.client;
      fk = units.first;
    }
    // The first anchored unit after the last unit an anchor sits after, if not found yet.
    if (ac !== NO_CLIENT && sc === NO_CLIENT) {
      sc = it.client;
      sk = units.first;
    }
    if (units.after < 0) continue;
    ac = it.client;
    ak = units.after;
    sc = units.stop < 0 ? NO_CLIENT : it.client;
    sk = units.stop;
  }
  const first = items[0] as Item;
  const last = items[items.length - 1] as Item;
  return {
    anchors: all,
    n: items.length,
    first,
    firstClock: first.clock,
    firstLen: first.len,
    last,
    lastClock: last.clock,
    lastLen: last.len,
    fc,
    fk,
    ac,
    ak,
    sc,
    sk,
  };
}
