/**
 * The marks of a one-text snapshot on the fast load path (`load-text.ts`): the text's marks group
 * read with client indexes of the loading document, their clocks placed in the replicas' tiling,
 * anchors written as positions resolved with the tables of run ends, and the check that every
 * origin and anchor names a unit of the text (with marks in the tiling, a clock in a replica's
 * range may be a mark).
 */
import { MAX_MARK_KEY, MarkOp } from '../doc/marks.js';
import type { Text } from '../doc/text.js';
import type { Decoder } from '../encoding/decoder.js';
import { DecodeError } from '../errors.js';
import { type FindRun, searchRuns } from '../format/find-run.js';
import { MAX_CLOCK } from '../format/group-codec.js';
import { type PendingAnchors, resolveAnchors } from '../format/mark-anchors.js';
import { readMarksGroup } from '../format/marks-codec.js';
import type { MarkRecord, UpdateRecord } from '../format/records.js';
import { markClocks, unskipClock } from '../format/skip-marks.js';
import { Item, NO_CLIENT } from '../sequence/item.js';
import type { Struct } from '../store/struct-store.js';
import type { RunColumns } from './order-columns.js';

/**
 * Read the marks group of root text `name` (its tag already read); clients come as indexes of the
 * loading document (`toIndex` maps the update's client table to them). Null when the group is not
 * that text's. Anchors written as positions go to `pending` (at most one group), to be resolved
 * once the text's runs have their real clocks.
 * @throws {DecodeError} on malformed bytes.
 */
export function readSnapshotMarks(
  dec: Decoder,
  toIndex: readonly number[],
  name: string,
  pending: PendingAnchors[],
): MarkRecord[] | null {
  const client = (i: number): number => {
    const c = toIndex[i];
    if (c === undefined) throw new DecodeError('invalid', `client index ${i} out of range`);
    return c;
  };
  const records: UpdateRecord[] = [];
  readMarksGroup(dec, client, records, pending);
  for (let k = 0; k < records.length; k++) {
    const r = records[k] as UpdateRecord;
    if (r.t !== 4 || r.parent.name !== name || r.key.length > MAX_MARK_KEY) return null;
  }
  return records as MarkRecord[];
}

/** The marks as structs of `text` (clients are the document's indexes already). */
export function markStructs(text: Text, marks: readonly MarkRecord[]): MarkOp[] {
  return marks.map((r) => MarkOp.fromRecord(r, r.client, text, (c) => c));
}

/**
 * Note each mark's clock in its replica's dense table of run ends (`base + k + 1` for mark
 * `k`), as `fill` does for items; false when it collides or is out of range.
 */
export function fillMarks(marks: readonly MarkOp[], tables: (Int32Array | null)[], base: number): boolean {
  for (let k = 0; k < marks.length; k++) {
    const m = marks[k] as MarkOp;
    const table = tables[m.client];
    if (table === null || table === undefined) continue;
    if (m.clock >= table.length || table[m.clock] !== 0) return false;
    table[m.clock] = base + k + 1;
  }
  return true;
}

/**
 * True when `(client, clock)` is a unit (an item, not a mark): with the replica's dense table of
 * run ends (`fillMarks`; the tiling already proven), a clock is a mark exactly when its entry
 * is past the `nItems` items; otherwise a search of `orders` (per client, in clock order).
 */
function isUnit(
  orders: readonly (Struct[] | null)[],
  tables: readonly (Int32Array | null)[],
  nItems: number,
  client: number,
  clock: number,
): boolean {
  const table = tables[client];
  if (table !== null && table !== undefined)
    return clock < table.length && (table[clock] as number) <= nItems;
  const order = orders[client];
  if (order === null || order === undefined) return false;
  let lo = 0;
  let hi = order.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((order[mid] as Struct).clock <= clock) lo = mid;
    else hi = mid - 1;
  }
  const s = order[lo];
  return s instanceof Item && s.clock <= clock && clock < s.clock + s.len;
}

/**
 * True when every origin of `items` and every anchor of `marks` is a unit of the text; `tables`
 * as {@link fillMarks} left them, `orders` as `clockOrder` made them (every replica's clocks
 * proven tiled).
 */
export function unitsOnly(
  orders: readonly (Struct[] | null)[],
  tables: readonly (Int32Array | null)[],
  items: readonly Item[],
  marks: readonly MarkOp[],
): boolean {
  const n = items.length;
  // Only a replica that made marks has clocks that are not units.
  const marked: boolean[] = new Array(orders.length).fill(false);
  for (let k = 0; k < marks.length; k++) marked[(marks[k] as MarkOp).client] = true;
  for (let i = 0; i < n; i++) {
    const it = items[i] as Item;
    const oc = it.olClient;
    if (oc !== NO_CLIENT && marked[oc] === true && !isUnit(orders, tables, n, oc, it.olClock)) return false;
    const rc = it.orClient;
    if (rc !== NO_CLIENT && marked[rc] === true && !isUnit(orders, tables, n, rc, it.orClock)) return false;
  }
  for (let k = 0; k < marks.length; k++) {
    const m = marks[k] as MarkOp;
    if (m.startClient !== NO_CLIENT && !isUnit(orders, tables, n, m.startClient, m.startClock)) return false;
    if (m.endClient !== NO_CLIENT && !isUnit(orders, tables, n, m.endClient, m.endClock)) return false;
  }
  return true;
}

/**
 * The items of a text read with clocks that skip its marks' clocks (`skip-marks.ts`), counted
 * back and cut at each mark clock inside them, in document order (`counts` per client index grows
 * by the items added); items not cut are changed in place. `live` flags each item as `parse`
 * does, and the result flags its items alike. Null when they would be cut more often than there
 * are marks.
 */
export function unskipItems(
  items: readonly Item[],
  live: readonly number[],
  marks: readonly MarkRecord[],
  counts: number[],
): { items: Item[]; live: number[] } | null {
  // By client index (small integers): an array lookup per clock, not a map's.
  const clocks: (number[] | undefined)[] = new Array(counts.length).fill(undefined);
  for (const [c, list] of markClocks(marks)) clocks[c] = list;
  let budget = marks.length;
  const out: Item[] = [];
  const outLive: number[] = [];
  for (let i = 0; i < items.length; i++) {
    const it = items[i] as Item;
    const flag = live[i] as number;
    const skipped = clocks[it.client];
    const olClock = it.olClient === NO_CLIENT ? it.olClock : unskipClock(clocks[it.olClient], it.olClock);
    const orClock = it.orClient === NO_CLIENT ? it.orClock : unskipClock(clocks[it.orClient], it.orClock);
    let clock = unskipClock(skipped, it.clock);
    let k = skipped === undefined ? 0 : clock - it.clock;
    const next0 =
      skipped !== undefined && k < skipped.length ? (skipped[k] as number) : Number.POSITIVE_INFINITY;
    if (next0 - clock >= it.len) {
      // Not cut (most items): the parsed item itself, with its clocks counted back.
      if (clock + it.len > MAX_CLOCK) return null;
      it.clock = clock;
      it.olClock = olClock;
      it.orClock = orClock;
      out.push(it);
      outLive.push(flag);
      continue;
    }
    let done = 0;
    let olClient = it.olClient;
    let ol = olClock;
    for (;;) {
      const next =
        skipped !== undefined && k < skipped.length ? (skipped[k] as number) : Number.POSITIVE_INFINITY;
      const take = Math.min(it.len - done, next - clock);
      if (clock + take > MAX_CLOCK) return null;
      out.push(new Item(it.client, clock, take, olClient, ol, it.orClient, orClock, null));
      outLive.push(flag);
      done += take;
      if (done === it.len) break;
      if (--budget < 0) return null;
      counts[it.client] = (counts[it.client] as number) + 1;
      olClient = it.client;
      ol = clock + take - 1;
      clock = next + 1;
      k++;
      while (skipped !== undefined && k < skipped.length && skipped[k] === clock) {
        clock++;
        k++;
      }
    }
  }
  return { items: out, live: outLive };
}

/**
 * The run holding unit `(c, k)` from the dense tables `fill` made, which name each run at its
 * first and last clock (-1: none; -2: no table, or the walk budget spent: search). Walks out
 * from `k` both ways to the nearest entry: a mark's start is usually near the end of the run it
 * is in (typed just before the mark, whose clock ends the run). `budget[0]` bounds the steps of
 * all walks together.
 */
function runOf(
  tables: readonly (Int32Array | null)[],
  cols: RunColumns,
  c: number,
  k: number,
  budget: number[],
): number {
  const table = tables[c];
  if (table === null || table === undefined) return -2;
  if (!(k >= 0 && k < table.length)) return -1;
  const { clock, len } = cols;
  for (let d = 0; ; d++) {
    if (--(budget[0] as number) < 0) return -2;
    const back = k - d;
    const ahead = k + d;
    if (back < 0 && ahead >= table.length) return -1;
    // Behind: a run that starts there holds k if long enough; one that ends there, only at k.
    const eb = back >= 0 ? (table[back] as number) : 0;
    if (eb !== 0) {
      const i = eb - 1;
      if ((clock[i] as number) === back) return k < back + (len[i] as number) ? i : -1;
      return back === k ? i : -1;
    }
    // Ahead: a run that ends there holds k if it starts at or before it; one that starts there does not.
    const ea = ahead < table.length ? (table[ahead] as number) : 0;
    if (ea !== 0) {
      const i = ea - 1;
      return (clock[i] as number) + (len[i] as number) - 1 === ahead && (clock[i] as number) <= k ? i : -1;
    }
  }
}

/**
 * Resolve the anchors of marks written as positions (`pending`), with the dense tables of run
 * ends and the runs' first positions (`starts`) that `fill` made; false when one does not resolve.
 * The walks of {@link runOf} share a budget bounded by the runs read (a few steps each in
 * documents), then a search of the runs sorted by clock answers.
 */
export function resolvePositions(
  pending: readonly PendingAnchors[],
  tables: readonly (Int32Array | null)[],
  cols: RunColumns,
  starts: Float64Array,
): boolean {
  const budget = [8 * cols.n + 65536];
  let search: FindRun | null = null;
  const find = (c: number, k: number): number => {
    const r = runOf(tables, cols, c, k, budget);
    if (r !== -2) return r;
    if (search === null) search = searchRuns(cols, () => false);
    return search(c, k);
  };
  try {
    for (const p of pending) resolveAnchors(p, cols, { starts, runOf: find });
  } catch (e) {
    if (e instanceof DecodeError) return false;
    throw e;
  }
  return true;
}
