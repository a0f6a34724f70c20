/**
 * The order check of `order-check.ts` for the general fast load (`load.ts`): every sequence
 * group of a snapshot (any number of texts and lists, among maps and counters) must list its
 * runs in the order their origins give.
 *
 * Cost: the check looks origins up in one dense table per replica (the run at each run's first
 * and last clock, as the one-text load does) rather than by binary search, and takes each group's
 * runs in each replica's clock order (one pass over the snapshot's clock order for every group),
 * so runs made one after another (typing, prepending) link in without a search or a scan. A
 * replica whose clocks are too sparse for a table (long deleted runs) is searched instead. Tables
 * hold one group's entries at a time: they are cleared after each group.
 */
import { NONE, parentKey, type UpdateRecord } from '../format/records.js';
import { DENSE_SPAN } from './load-text-order.js';
import { orderFollowsOrigins, type ScanBudget } from './order-check.js';
import { newColumns, type RunColumns } from './order-columns.js';

/**
 * True when every sequence group of `records` (a snapshot whose records tile each replica's
 * clocks; `by`: per replica id, its record indices in clock order) lists its runs in the order
 * integrating them by their origins gives. A group is a contiguous range of records of one
 * container, its sequence runs (`t` 0) among marks and collected runs.
 */
export function sequencesInOriginOrder(
  records: readonly UpdateRecord[],
  by: ReadonlyMap<number, readonly number[]>,
): boolean {
  const n = records.length;
  // Per record: its group (-1: not a sequence run) and its index among the group's runs.
  const groupOf = new Int32Array(n).fill(-1);
  const localOf = new Int32Array(n);
  const starts: number[] = [];
  let groups = 0;
  let runs = 0;
  let units = 0;
  for (let g0 = 0; g0 < n; ) {
    const first = records[g0] as UpdateRecord;
    if (first.t !== 0) {
      g0++;
      continue;
    }
    const key = parentKey(first.parent);
    starts.push(runs);
    let local = 0;
    let g1 = g0;
    for (; g1 < n; g1++) {
      const r = records[g1] as UpdateRecord;
      if (r.t === 3) continue;
      if (r.parent !== first.parent && parentKey(r.parent) !== key) break;
      if (r.t === 0) {
        groupOf[g1] = groups;
        localOf[g1] = local++;
        units += r.len;
      }
    }
    runs += local;
    groups++;
    g0 = g1;
  }
  if (groups === 0) return true;
  starts.push(runs);

  // Replicas numbered 0.. in `by`'s order; each group's runs in replica-major clock order.
  const ids: number[] = [];
  const indexOf = new Map<number, number>();
  const order = new Int32Array(runs);
  const filled = Int32Array.from(starts);
  const tables: (Int32Array | null)[] = [];
  // Replicas by descending id, so each group's clock order takes concurrent runs at one place
  // without a scan (see `order-check.ts`).
  for (const [id, list] of [...by].sort((a, b) => b[0] - a[0])) {
    indexOf.set(id, ids.length);
    ids.push(id);
    let end = 0;
    let seq = 0;
    for (let k = 0; k < list.length; k++) {
      const i = list[k] as number;
      const r = records[i] as UpdateRecord;
      end = r.clock + r.len;
      const g = groupOf[i] as number;
      if (g < 0) continue;
      seq++;
      order[filled[g] as number] = localOf[i] as number;
      filled[g] = (filled[g] as number) + 1;
    }
    // Dense when the replica's clocks average at most DENSE_SPAN per record (so the tables
    // cost at most that per record of the snapshot); else its units are searched.
    tables.push(seq > 0 && end <= DENSE_SPAN * list.length + 64 ? new Int32Array(end) : null);
  }
  // One budget for every group: a table step back may cross other groups' clocks, so per-group
  // budgets would let many small forged groups cost far more than the snapshot's size.
  const budget: ScanBudget = { left: 8 * units + 65536 };

  const idOf = (c: number): number => ids[c] as number;
  const indexOfId = (id: number): number => (id === NONE ? NONE : (indexOf.get(id) ?? -2));
  for (let g = 0, at = 0; g < groups; g++) {
    const from = starts[g] as number;
    const count = (starts[g + 1] as number) - from;
    // The group's runs, in stored order.
    while (groupOf[at] !== g) at++;
    const cols = newColumns(count);
    for (let k = 0; at < n && k < count; at++) {
      if (groupOf[at] !== g) continue;
      // A failed fill leaves entries behind, but the tables are dropped with the check.
      if (!fillRun(cols, k++, records[at] as UpdateRecord, indexOfId, tables)) return false;
    }
    const ok = orderFollowsOrigins(cols, idOf, tables, {
      clockOrder: order.subarray(from, from + count),
      budget,
    });
    clearTables(cols, count, tables);
    if (!ok) return false;
  }
  return true;
}

/**
 * Write record `r` as run `k` of `cols` (replicas by local index) and name it in its replica's
 * table at its first and last clock; false for an origin of a replica the snapshot lacks.
 */
function fillRun(
  cols: RunColumns,
  k: number,
  r: UpdateRecord,
  indexOfId: (id: number) => number,
  tables: readonly (Int32Array | null)[],
): boolean {
  if (r.t !== 0) return false;
  const c = indexOfId(r.client);
  const lc = indexOfId(r.olClient);
  const rc = indexOfId(r.orClient);
  if (c < 0 || lc === -2 || rc === -2) return false;
  cols.client[k] = c;
  cols.clock[k] = r.clock;
  cols.len[k] = r.len;
  cols.olClient[k] = lc;
  cols.olClock[k] = r.olClock;
  cols.orClient[k] = rc;
  cols.orClock[k] = r.orClock;
  const table = tables[c];
  if (table !== null && table !== undefined) {
    table[r.clock] = k + 1;
    table[r.clock + r.len - 1] = k + 1;
  }
  return true;
}

/** Remove the first `count` runs of `cols` from the tables (the next group starts clean). */
function clearTables(cols: RunColumns, count: number, tables: readonly (Int32Array | null)[]): void {
  for (let k = 0; k < count; k++) {
    const table = tables[cols.client[k] as number];
    if (table === null || table === undefined) continue;
    const clock = cols.clock[k] as number;
    table[clock] = 0;
    table[clock + (cols.len[k] as number) - 1] = 0;
  }
}
