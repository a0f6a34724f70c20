/**
 * The list of runs that the snapshot order check (`order-check.ts`) builds, and the integration
 * of one run into it by the rule of `sequence/integrate.ts` (YjsMod), places compared by the
 * stored order: taking a run after its origins' runs (depth first), looking origins up in the
 * dense tables or by search, and the scan between a run's origins, within a budget.
 */
import { type ClockSorted, findRun, joinByReplica, sortRunsByClock } from '../format/find-run.js';
import type { RunColumns } from './order-columns.js';

/** No item or unit: the list's end, the list's start, or no origin. */
export const NONE = -1;

/**
 * The runs of `cols` whose replica has no dense table in `tables`, each replica's sorted by clock,
 * replicas by descending id (see `order-check.ts`: concurrent runs then link without a scan).
 */
export function sparseRuns(
  cols: RunColumns,
  tables: readonly (Int32Array | null)[],
  idOf: (client: number) => number,
): ClockSorted {
  return sortRunsByClock(cols, (c) => tables[c] === null || tables[c] === undefined, descendingId(idOf));
}

/**
 * What {@link sparseRuns} gives, from each such replica's run indexes already in clock order
 * (`sorted[c]`, null for a replica with a table or no runs; indexes from `runs` up are not runs of
 * `cols` and are left out): the loader sorted them to prove the replica's clocks are tiled.
 */
export function sparseFromSorted(
  sorted: readonly (Int32Array | null)[],
  runs: number,
  idOf: (client: number) => number,
): ClockSorted {
  const lists = new Map<number, Int32Array>();
  for (let c = 0; c < sorted.length; c++) {
    const l = sorted[c];
    if (l === null || l === undefined) continue;
    const mine = l.filter((i) => i < runs);
    if (mine.length > 0) lists.set(c, mine);
  }
  return joinByReplica(lists, descendingId(idOf));
}

/** Replicas by descending id (see `order-check.ts`: concurrent runs then link without a scan). */
function descendingId(idOf: (client: number) => number): (a: number, b: number) => number {
  return (a, b) => idOf(b) - idOf(a);
}

/** Not looked up yet (in {@link Ctx.lRun}). */
export const UNKNOWN = -2;

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
  ctx.sparse ??= sparseRuns(ctx.cols, tables, ctx.idOf);
  return findRun(ctx.cols, ctx.sparse, c, k);
}

/** Look up run `i`'s origins (once); false when one is not a unit of the runs. */
export function resolve(ctx: Ctx, i: number): boolean {
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
export interface ListState {
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
export interface Ctx {
  readonly cols: RunColumns;
  readonly idOf: (client: number) => number;
  readonly tables: readonly (Int32Array | null)[];
  /** The runs of replicas without a table, for searches (made on first need). */
  sparse: ClockSorted | null;
  /** Per run: the run holding its left origin (NONE: none; UNKNOWN: not looked up yet). */
  readonly lRun: Int32Array;
  readonly lOff: Int32Array;
  readonly rRun: Int32Array;
  readonly rOff: Int32Array;
  readonly list: ListState;
  readonly stack: number[];
}

/** Put run `i` in the list after its origins' runs (depth first); false if refused. */
export function take(ctx: Ctx, i: number): boolean {
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
export function link(list: ListState, prev: number, x: number, after: number): void {
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
