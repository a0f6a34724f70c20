/**
 * The replicas' clock order for the one-text fast load (`load-text.ts`): each live item gets its
 * slice of the text, origins are range-checked, and each replica's structs (items, and marks from
 * `load-text-marks.ts`) are put in clock order, proving they tile its clocks with no gap.
 */
import { type Item, NO_CLIENT } from '../sequence/item.js';
import { sortByClock } from '../sorted.js';
import type { Struct } from '../store/struct-store.js';
import type { RunColumns } from './order-columns.js';

/** Largest clock span per item (on average) for which a replica's clocks get a dense table. */
export const DENSE_SPAN = 64;

/**
 * One pass over the parsed items: give each live item (`live[i]` is 1) its slice of `text`, note
 * each item's first unit's position in `starts` (when given; the total after the last), check that every
 * origin is inside its replica's clock range `0 .. sums[c]-1` (enough once the ranges are shown to
 * be tiled), and note each run at its first and last clock in `tables[c]` (replicas with a dense
 * table: the run's index + 1). False when an origin is out of range or two runs share a first or
 * last clock.
 */
export function fill(
  items: readonly Item[],
  live: readonly number[],
  text: string,
  sums: readonly number[],
  tables: (Int32Array | null)[],
  cols: RunColumns,
  starts: Float64Array | null = null,
): boolean {
  // The fields come from the columns: a cold load runs this loop once, and a getter call per
  // field would cost more than the loop.
  const { client, clock, len, olClient, olClock, orClient, orClock } = cols;
  let at = 0;
  let unit = 0;
  for (let i = 0; i < items.length; i++) {
    const n = len[i] as number;
    if (starts !== null) {
      starts[i] = unit;
      unit += n;
    }
    if (live[i] === 1) {
      (items[i] as Item).content = text.slice(at, at + n);
      at += n;
    }
    const ol = olClient[i] as number;
    if (ol !== NO_CLIENT && !((olClock[i] as number) < (sums[ol] as number))) return false;
    const or = orClient[i] as number;
    if (or !== NO_CLIENT && !((orClock[i] as number) < (sums[or] as number))) return false;
    const table = tables[client[i] as number];
    if (table !== null && table !== undefined) {
      // Within range, and no run's first or last clock taken by another run.
      const start = clock[i] as number;
      const last = start + n - 1;
      if (last >= table.length || table[start] !== 0 || table[last] !== 0) return false;
      table[start] = i + 1;
      table[last] = i + 1;
    }
  }
  if (starts !== null) starts[items.length] = unit;
  return true;
}

/**
 * A client's items in clock order, or null unless they tile `0 .. sum-1` exactly (`count` items,
 * lengths summing to `sum`). With a dense table of run ends (from {@link fill}) this is a walk with
 * no sort; otherwise (long runs, few items) it reads `sorted`, the client's indexes as
 * {@link clientIndexesByClock} sorts them (given whenever `table` is null; the caller keeps them
 * for the order check).
 */
export function clockOrder(
  items: readonly Struct[],
  count: number,
  sum: number,
  table: Int32Array | null,
  sorted: Int32Array | null,
): Struct[] | null {
  const out: Struct[] = [];
  if (table !== null) {
    let k = 0;
    for (let clock = 0; clock < sum; ) {
      const j = table[clock] as number;
      if (j === 0 || k >= count) return null; // a gap
      const it = items[j - 1] as Struct;
      out.push(it);
      k++;
      clock += it.len;
    }
    return k === count ? out : null;
  }
  for (const i of sorted as Int32Array) out.push(items[i] as Struct);
  let next = 0;
  for (let i = 0; i < count; i++) {
    const it = out[i] as Struct;
    if (it.clock !== next) return null;
    next = it.clock + it.len;
  }
  return next === sum ? out : null;
}

/**
 * The indexes of client `c`'s structs in `items`, in clock order: what {@link clockOrder} reads
 * for a client without a dense table, and the order check's searches too (`sparseFromSorted`).
 */
export function clientIndexesByClock(items: readonly Struct[], c: number): Int32Array {
  const mine: number[] = [];
  for (let i = 0; i < items.length; i++) if ((items[i] as Struct).client === c) mine.push(i);
  return sortByClock(mine, items);
}
