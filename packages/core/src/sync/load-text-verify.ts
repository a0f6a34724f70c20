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

import { type FindRun, searchRuns } from '../format/find-run.js';

/** No item or unit: the list's end, the list's start, or no origin. */
const NONE = -1;

/** What the check reads of a run (a sequence item, or a snapshot record of one). */
export interface OrderedRun {
  readonly client: number;
  readonly clock: number;
  readonly len: number;
  /** -1: no left origin. */
  readonly olClient: number;
  readonly olClock: number;
  /** -1: no right origin. */
  readonly orClient: number;
  readonly orClock: number;
}

/** A sequence's runs as columns, in stored order (see {@link OrderedRun} for the fields). */
export interface RunColumns {
  readonly n: number;
  readonly client: Float64Array;
  readonly clock: Float64Array;
  readonly len: Float64Array;
  readonly olClient: Float64Array;
  readonly olClock: Float64Array;
  readonly orClient: Float64Array;
  readonly orClock: Float64Array;
}

/** Empty columns for `n` runs, to be filled in. */
export function newColumns(n: number): RunColumns {
  return {
    n,
    client: new Float64Array(n),
    clock: new Float64Array(n),
    len: new Float64Array(n),
    olClient: new Float64Array(n),
    olClock: new Float64Array(n),
    orClient: new Float64Array(n),
    orClock: new Float64Array(n),
  };
}

/** The columns of `runs`. */
export function columnsOf(runs: readonly OrderedRun[]): RunColumns {
  const cols = newColumns(runs.length);
  for (let i = 0; i < runs.length; i++) {
    const r = runs[i] as OrderedRun;
    cols.client[i] = r.client;
    cols.clock[i] = r.clock;
    cols.len[i] = r.len;
    cols.olClient[i] = r.olClient;
    cols.olClock[i] = r.olClock;
    cols.orClient[i] = r.orClient;
    cols.orClock[i] = r.orClock;
  }
  return cols;
}

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
    find: null,
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
  // Runs are taken in each replica's clock order where the tables give it: the order they were
  // made in, so nearly every run's origins are in and it links in without a scan (its right
  // origin is next to its left one). The rest, and every run without a table, in stored order.
  if (clockOrder !== undefined) {
    if (!linkInOrder(ctx, tables, clockOrder)) return false;
  } else {
    for (let c = 0; c < tables.length; c++) {
      const table = tables[c];
      if (table !== null && table !== undefined && !linkReplica(ctx, table, c)) return false;
    }
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

/**
 * Take replica `c`'s runs in clock order (its dense `table`): the order they were made in. The
 * common case is done here, in a loop small enough to be optimised early on a cold load: both
 * origins of this replica, at run ends, in the list and next to each other. Anything else goes
 * through {@link take}. False if refused.
 */
function linkReplica(ctx: Ctx, table: Int32Array, c: number): boolean {
  const { len, clock, olClient, olClock, orClient, orClock, n } = ctx.cols;
  const list = ctx.list;
  const { state, next } = list;
  const size = table.length;
  for (let k = 0; k < size; ) {
    const i = (table[k] as number) - 1;
    if (i < 0 || i >= n) {
      k++;
      continue;
    }
    k += len[i] as number;
    // linkNoScan's test, written out: a call per run here costs a cold load ~4 ms (seph-blog1).
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
    if (
      lo >= 0 &&
      ro === 0 &&
      (li === NONE || state[li] === 2) &&
      (ri === NONE || state[ri] === 2) &&
      (li === NONE ? list.head : lo + 1 === len[li] ? (next[li] as number) : -2) === ri
    ) {
      link(list, li, i, ri);
      continue;
    }
    if (!take(ctx, i)) return false;
  }
  return true;
}

/**
 * Take the runs listed in `order` (run indices, each replica's in clock order) as
 * {@link linkReplica} does, for callers whose tables hold units of other sequences too (so
 * scanning a table would walk their clocks). Runs of replicas without a table are left to the
 * stored-order pass. False if refused.
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
 * Link run `i` of replica `c` (dense `table`) when that needs no scan: both origins of its own
 * replica (or none), at run ends, in the list and next to each other. False (nothing done) if not.
 */
function linkNoScan(ctx: Ctx, table: Int32Array, c: number, i: number): boolean {
  const { len, clock, olClient, olClock, orClient, orClock, n } = ctx.cols;
  const list = ctx.list;
  const { state, next } = list;
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
  if (
    lo >= 0 &&
    ro === 0 &&
    (li === NONE || state[li] === 2) &&
    (ri === NONE || state[ri] === 2) &&
    (li === NONE ? list.head : lo + 1 === len[li] ? (next[li] as number) : -2) === ri
  ) {
    link(list, li, i, ri);
    return true;
  }
  return false;
}

/** Not looked up yet (in {@link Ctx.lRun}). */
const UNKNOWN = -2;

/**
 * The run holding unit `(c, k)` (NONE when no run of `ctx` does): one read of the replica's
 * dense table, or a search.
 */
function runAt(ctx: Ctx, c: number, k: number): number {
  const tables = ctx.tables;
  const table = tables[c];
  if (table !== null && table !== undefined) {
    if (!(k >= 0 && k < table.length)) return NONE;
    // The table names each run at its first and last clock: inside a run, step back to its
    // first (paid from the scan budget).
    let at = k;
    while (at > 0 && table[at] === 0) {
      at--;
      if (--ctx.list.budget < 0) return NONE;
    }
    const j = (table[at] as number) - 1;
    if (j < 0 || j >= ctx.cols.n) return NONE;
    const start = ctx.cols.clock[j] as number;
    return k >= start && k < start + (ctx.cols.len[j] as number) ? j : NONE;
  }
  // Replicas without a dense table: few long runs, so few of them to sort.
  if (ctx.find === null)
    ctx.find = searchRuns(ctx.cols, (c) => tables[c] !== null && tables[c] !== undefined);
  return ctx.find(c, k);
}

/** Look up run `i`'s origins (once); false when one is not a unit of the runs. */
function resolve(ctx: Ctx, i: number): boolean {
  if (ctx.lRun[i] !== UNKNOWN) return true;
  const { olClient, olClock, orClient, orClock, clock } = ctx.cols;
  let j = NONE;
  const lc = olClient[i] as number;
  if (lc !== NONE) {
    const k = olClock[i] as number;
    j = runAt(ctx, lc, k);
    if (j === NONE) return false;
    ctx.lOff[i] = k - (clock[j] as number);
  }
  let r = NONE;
  const rc = orClient[i] as number;
  if (rc !== NONE) {
    const k = orClock[i] as number;
    r = runAt(ctx, rc, k);
    if (r === NONE) return false;
    ctx.rOff[i] = k - (clock[r] as number);
  }
  ctx.lRun[i] = j;
  ctx.rRun[i] = r;
  return true;
}

/** The list of runs being built by {@link orderFollowsOrigins}. */
interface ListState {
  /** The run after each run's last unit (NONE: the end). */
  readonly next: Int32Array;
  /** The first run (NONE: empty). */
  head: number;
  /** Per run: 0 waiting, 1 on the stack, 2 in the list. */
  readonly state: Uint8Array;
  /** Scan steps left. */
  budget: number;
  /** Each run's place (of its first unit) in the stored order (see {@link positions}). */
  pos: Float64Array | null;
  /** Runs in the list. */
  taken: number;
}

/** What {@link take} and {@link integrate} read. */
interface Ctx {
  readonly cols: RunColumns;
  readonly idOf: (client: number) => number;
  readonly tables: readonly (Int32Array | null)[];
  /** Finds units of replicas without a table (made on first need). */
  find: FindRun | null;
  /** Per run: the run holding its left origin (NONE: none; UNKNOWN: not looked up yet). */
  readonly lRun: Int32Array;
  readonly lOff: Int32Array;
  readonly rRun: Int32Array;
  readonly rOff: Int32Array;
  readonly list: ListState;
  readonly stack: number[];
}

/** Put run `i` in the list after its origins' runs (depth first); false if refused. */
function take(ctx: Ctx, i: number): boolean {
  const { lRun, rRun, list, stack } = ctx;
  const state = list.state;
  if (state[i] === 2) return true;
  stack.push(i);
  state[i] = 1;
  while (stack.length > 0) {
    const x = stack[stack.length - 1] as number;
    if (!resolve(ctx, x)) return false;
    const l = lRun[x] as number;
    const r = rRun[x] as number;
    const dep = l !== NONE && state[l] !== 2 ? l : r !== NONE && state[r] !== 2 ? r : NONE;
    if (dep !== NONE) {
      if (state[dep] === 1) return false; // an origin cycle
      state[dep] = 1;
      stack.push(dep);
      continue;
    }
    if (!integrate(ctx, x)) return false;
    stack.pop();
  }
  return true;
}

/** Link run `x` into the list between run `prev` (NONE: at the start) and run `after`. */
function link(list: ListState, prev: number, x: number, after: number): void {
  list.next[x] = after;
  if (prev === NONE) list.head = x;
  else list.next[prev] = x;
  list.state[x] = 2;
  list.taken++;
}

/** Each run's place (of its first unit) in the stored order, made when a scan first needs it. */
function positions(ctx: Ctx): Float64Array {
  let pos = ctx.list.pos;
  if (pos === null) {
    const { n, len } = ctx.cols;
    pos = new Float64Array(n);
    let p = 0;
    for (let i = 0; i < n; i++) {
      pos[i] = p;
      p += len[i] as number;
    }
    ctx.list.pos = pos;
  }
  return pos;
}

/**
 * Integrate run `x` (its origins' runs in the list) as `integrateItem` does, comparing places by
 * the stored order; false when it lands inside a stored run or the scans run out of budget.
 */
function integrate(ctx: Ctx, x: number): boolean {
  const { cols, idOf, lRun, lOff, rRun, rOff, list } = ctx;
  const { len, client } = cols;
  const next = list.next;
  const li = lRun[x] as number;
  const ri = rRun[x] as number;
  const lo = lOff[x] as number;
  const ro = rOff[x] as number;
  // Places are compared only when the scan passes a run (not when the right origin is next).
  let pos: Float64Array | null = null;
  let pl = 0;
  let pr = 0;
  // The scan's cursor: unit `off` of run `oi` (NONE: the end), and the run of the unit before it.
  let lastI = li;
  let oi: number;
  let off = 0;
  if (li === NONE) oi = list.head;
  else if (lo + 1 < (len[li] as number)) {
    oi = li;
    off = lo + 1;
  } else oi = next[li] as number;
  let destI = oi;
  let destOff = off;
  let prevI = lastI;
  let scanning = false;
  for (;;) {
    if (!scanning) {
      destI = oi;
      destOff = off;
      prevI = lastI;
    }
    if (oi === NONE || (oi === ri && off === ro)) break;
    if (--list.budget < 0) return false;
    if (!resolve(ctx, oi)) return false;
    if (pos === null) {
      pos = positions(ctx);
      pl = li === NONE ? -1 : (pos[li] as number) + lo;
      pr = ri === NONE ? 0 : (pos[ri] as number) + ro;
    }
    // A unit's left origin is the one before it in its run, or the run's left origin.
    let cl: number;
    if (off > 0) cl = li === NONE ? 1 : (pos[oi] as number) + off - 1 - pl;
    else {
      const ol = lRun[oi] as number;
      if (ol === NONE) cl = li === NONE ? 0 : -1;
      else cl = li === NONE ? 1 : (pos[ol] as number) + (lOff[oi] as number) - pl;
    }
    if (cl < 0) break;
    if (cl === 0) {
      const or = rRun[oi] as number;
      let cr: number;
      if (or === NONE) cr = ri === NONE ? 0 : 1;
      else cr = ri === NONE ? -1 : (pos[or] as number) + (rOff[oi] as number) - pr;
      if (cr < 0) scanning = true;
      else if (cr === 0) {
        if (idOf(client[x] as number) < idOf(client[oi] as number)) break;
        scanning = false;
      } else scanning = false;
    }
    lastI = oi;
    if (off + 1 < (len[oi] as number)) off++;
    else {
      oi = next[oi] as number;
      off = 0;
    }
  }
  // Landing inside a stored run (a run's units are never parted in the list, so the unit before
  // is then inside it too): the stored order cannot be the integrated one.
  if (destOff !== 0) return false;
  link(list, prevI, x, destI);
  return true;
}
