/**
 * Proof that a snapshot lists each sequence's runs in the order their origins give, for the fast
 * loads (`load-text.ts`, `load.ts`), which build the sequence straight from the stored order.
 *
 * A snapshot written by a document is in that order. Forged or damaged bytes can list the same
 * items in another one (an item before its own left origin, two concurrent items swapped, an
 * origin cycle). Loaded as stored, such a snapshot would give this replica an order that every
 * replica integrating the same items derives differently, and they would never converge. So the
 * stored order is checked exactly, by the rule that integrates remote items
 * (`sequence/integrate.ts`, YjsMod): every run is integrated, in an order where its origins come
 * first, into a list of runs, comparing positions by their places in the stored order. The list
 * only ever grows by insertion, so if it ends equal to the stored order, every comparison agreed
 * with the list's own order, the run was a real integration, and the stored order is the one the
 * origins give. Anything else (a cycle, a run landing elsewhere or inside a stored run) is
 * refused, and the caller takes the general path, which integrates the items itself.
 *
 * Cost: per run, two table reads for the runs holding its origins (a search for a replica without
 * a dense table, a step back to a run's first clock for an origin inside it) and, only when its
 * origins are not next to each other in the list, a scan over the units between its left origin
 * and its place; nothing per unit. Runs are taken in each replica's clock order, so text typed in
 * any order links in without a scan. The scans have a budget; past it the snapshot is refused as
 * unusual.
 */

import type { ClockSorted } from '../format/find-run.js';
import type { RunColumns } from './order-columns.js';
import {
  type Ctx,
  type ListState,
  link,
  NONE,
  resolve,
  sparseRuns,
  take,
  UNKNOWN,
} from './order-integrate.js';

/** A scan budget shared by several checks (one snapshot's sequences): steps left. */
export interface ScanBudget {
  left: number;
}

/** How {@link orderFollowsOrigins} takes runs and what it may spend. */
export interface OrderCheckOptions {
  /**
   * Run indices, each replica's in clock order, to take first (for tables that also hold other
   * sequences' clocks, which a scan of the tables would walk); by default the tables are scanned.
   */
  clockOrder?: Int32Array;
  /** The scan budget to spend from (and leave what is left in); by default 8 per unit + 65,536. */
  budget?: ScanBudget;
  /**
   * The runs of the replicas without a table, sorted as `sparseRuns` sorts them, when the caller
   * has them already (`sparseFromSorted`); by default they are sorted on first need.
   */
  sparse?: ClockSorted;
}

/**
 * True when the runs of `cols` (one sequence's runs in stored order) are in exactly the order
 * integrating them by their origins gives. `idOf` gives a client's replica id (ties between
 * concurrent runs go to the lower id). Units are found through `tables`, per client index: a dense
 * table naming each run (index + 1) at its first and last clock (other entries 0 or past the
 * runs), or null, for a replica of few long runs, searched in clock order. An origin outside the
 * runs refuses.
 */
export function orderFollowsOrigins(
  cols: RunColumns,
  idOf: (client: number) => number,
  tables: readonly (Int32Array | null)[],
  options: OrderCheckOptions = {},
): boolean {
  const n = cols.n;
  const len = cols.len;
  let units = 0;
  for (let i = 0; i < n; i++) units += len[i] as number;
  const lRun = new Int32Array(n).fill(UNKNOWN);
  const list: ListState = {
    next: new Int32Array(n),
    head: NONE,
    state: new Uint8Array(n),
    budget: options.budget === undefined ? 8 * units + 65536 : options.budget.left,
    pos: null,
    taken: 0,
  };
  const ctx: Ctx = {
    cols,
    idOf,
    tables,
    sparse: options.sparse ?? null,
    lRun,
    lOff: new Int32Array(n),
    rRun: new Int32Array(n),
    rOff: new Int32Array(n),
    list,
    stack: [],
  };
  const ok = checkOrder(ctx, options.clockOrder);
  if (options.budget !== undefined) options.budget.left = list.budget;
  return ok;
}

/** {@link orderFollowsOrigins} once its state is set up. */
function checkOrder(ctx: Ctx, clockOrder: Int32Array | undefined): boolean {
  const { tables, list } = ctx;
  const n = ctx.cols.n;
  // Runs are taken in each replica's clock order: the order they were made in, so nearly every
  // run's origins are in and it links in without a scan (its right origin is next to its left
  // one). First the replicas with a dense table, then those searched; the rest in stored order.
  if (clockOrder !== undefined) {
    if (!linkInOrder(ctx, tables, clockOrder)) return false;
  } else {
    // Replicas by descending id: runs inserted concurrently at one place are stored by ascending
    // id, so each one taken lands first among those already in, with no scan past them (1,540
    // replicas each typing at the start cost a scan past every earlier one, past the budget).
    for (const c of byDescendingId(tables.length, ctx.idOf)) {
      const table = tables[c];
      if (table !== null && table !== undefined && !linkReplica(ctx, table, c)) return false;
    }
  }
  // Replicas without a dense table (few long runs): in clock order too, origins searched.
  if (list.taken < n && tables.some((t) => t === null || t === undefined)) {
    ctx.sparse ??= sparseRuns(ctx.cols, tables, ctx.idOf);
    if (!linkSearched(ctx, ctx.sparse.order)) return false;
  }
  if (list.taken < n) for (let i = 0; i < n; i++) if (!take(ctx, i)) return false;
  // The list is the stored order, run by run.
  const next = list.next;
  let at = list.head;
  for (let i = 0; i < n; i++) {
    if (at !== i) return false;
    at = next[i] as number;
  }
  return at === NONE;
}

/** Client indices `0 .. n - 1` by descending replica id. */
function byDescendingId(n: number, idOf: (client: number) => number): Int32Array {
  return Int32Array.from({ length: n }, (_, c) => c).sort((a, b) => idOf(b) - idOf(a));
}

/**
 * Take replica `c`'s runs in clock order (its dense `table`): the order they were made in. The
 * common case links without a scan ({@link linkNoScan}); anything else goes through
 * {@link take}. False if refused.
 */
function linkReplica(ctx: Ctx, table: Int32Array, c: number): boolean {
  const { len, n } = ctx.cols;
  const size = table.length;
  for (let k = 0; k < size; ) {
    const i = (table[k] as number) - 1;
    if (i < 0 || i >= n) {
      k++;
      continue;
    }
    k += len[i] as number;
    if (!linkNoScan(ctx, table, c, i) && !take(ctx, i)) return false;
  }
  return true;
}

/**
 * Take the runs listed in `order` (run indices, each replica's in clock order) as
 * {@link linkReplica} does, for callers whose tables hold units of other sequences too (so
 * scanning a table would walk their clocks). Runs of replicas without a table are left to
 * {@link linkSearched}. False if refused.
 */
function linkInOrder(ctx: Ctx, tables: readonly (Int32Array | null)[], order: Int32Array): boolean {
  const { client, n } = ctx.cols;
  const state = ctx.list.state;
  for (let p = 0; p < order.length; p++) {
    const i = order[p] as number;
    if (!(i >= 0 && i < n) || state[i] === 2) continue;
    const c = client[i] as number;
    const table = tables[c];
    if (table === null || table === undefined) continue;
    if (!linkNoScan(ctx, table, c, i) && !take(ctx, i)) return false;
  }
  return true;
}

/**
 * Take the runs listed in `order` (each replica's in clock order), their origins looked up by
 * search: linked when that needs no scan (both origins in the list, at run ends, next to each
 * other), else through {@link take}. False if refused.
 */
function linkSearched(ctx: Ctx, order: Int32Array): boolean {
  const { lRun, lOff, rRun, rOff } = ctx;
  const state = ctx.list.state;
  for (let p = 0; p < order.length; p++) {
    const i = order[p] as number;
    if (state[i] === 2) continue;
    if (!resolve(ctx, i)) return false;
    const li = lRun[i] as number;
    const ri = rRun[i] as number;
    if (!linkIfAdjacent(ctx, i, li, lOff[i] as number, ri, rOff[i] as number) && !take(ctx, i)) return false;
  }
  return true;
}

/**
 * Link run `i` between runs `li` and `ri` (NONE: the list's start, its end) when that needs no
 * scan: both in the list, its left origin the last unit of `li` (offset `lo`), its right origin
 * the first unit of `ri` (offset `ro`), and `ri` right after `li`. False (nothing done) if not.
 */
function linkIfAdjacent(ctx: Ctx, i: number, li: number, lo: number, ri: number, ro: number): boolean {
  const list = ctx.list;
  const { state, next } = list;
  if (
    (li === NONE || (state[li] === 2 && lo + 1 === ctx.cols.len[li])) &&
    (ri === NONE || (state[ri] === 2 && ro === 0)) &&
    (li === NONE ? list.head : (next[li] as number)) === ri
  ) {
    link(list, li, i, ri);
    return true;
  }
  return false;
}

/**
 * Link run `i` of replica `c` (dense `table`) when that needs no scan: both origins of its own
 * replica (or none), at run ends, in the list and next to each other. False (nothing done) if not.
 */
function linkNoScan(ctx: Ctx, table: Int32Array, c: number, i: number): boolean {
  const { clock, olClient, olClock, orClient, orClock, n } = ctx.cols;
  const size = table.length;
  const lc = olClient[i] as number;
  const rc = orClient[i] as number;
  let li = NONE;
  let lo = 0;
  if (lc === c) {
    const lk = olClock[i] as number;
    li = lk < size ? (table[lk] as number) - 1 : NONE;
    lo = li >= 0 && li < n ? lk - (clock[li] as number) : -1;
  } else if (lc !== NONE) lo = -1;
  let ri = NONE;
  let ro = 0;
  if (rc === c) {
    const rk = orClock[i] as number;
    ri = rk < size ? (table[rk] as number) - 1 : NONE;
    ro = ri >= 0 && ri < n ? rk - (clock[ri] as number) : -1;
  } else if (rc !== NONE) ro = -1;
  // An origin of another replica, or outside the runs (lo, ro -1): not this pass's case.
  return lo >= 0 && ro === 0 && linkIfAdjacent(ctx, i, li, lo, ri, ro);
}
