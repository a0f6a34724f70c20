/**
 * The run holding a unit, by binary search of each replica's runs sorted by clock: for mark
 * anchors written as positions (`mark-anchors.ts`, `sync/load-text-marks.ts`) and for the snapshot
 * order check's replicas without a dense table (`sync/order-integrate.ts`, which also walks the
 * sorted runs in clock order).
 */

import { sortByKey } from '../sorted.js';

/** Runs as columns, in stored order: each run's replica, first clock and length. */
export interface RunClocks {
  readonly n: number;
  readonly client: ArrayLike<number>;
  readonly clock: ArrayLike<number>;
  readonly len: ArrayLike<number>;
}

/** The index of the run holding unit `(client, clock)`, or -1 when no run does. */
export type FindRun = (client: number, clock: number) => number;

/** Each replica's runs sorted by clock, one replica after another. */
export interface ClockSorted {
  /** Run indices: one replica's runs, in clock order, then the next replica's. */
  readonly order: Int32Array;
  /** Per replica (client): where its runs are in {@link ClockSorted.order}, `[from, to)`. */
  readonly spans: ReadonlyMap<number, readonly [number, number]>;
}

/**
 * The runs of `runs` whose replica `keep` admits, each replica's sorted by clock; replicas in
 * the order `replicaOrder` gives (by default as they first appear).
 */
export function sortRunsByClock(
  runs: RunClocks,
  keep: (client: number) => boolean,
  replicaOrder?: (a: number, b: number) => number,
): ClockSorted {
  const byClient = new Map<number, number[]>();
  for (let i = 0; i < runs.n; i++) {
    const c = runs.client[i] as number;
    if (!keep(c)) continue;
    let l = byClient.get(c);
    if (l === undefined) {
      l = [];
      byClient.set(c, l);
    }
    l.push(i);
  }
  const sorted = new Map<number, Int32Array>();
  for (const [c, l] of byClient)
    sorted.set(
      c,
      sortByKey(Int32Array.from(l), (i) => runs.clock[i] as number),
    );
  return joinByReplica(sorted, replicaOrder);
}

/**
 * Each replica's run indexes (already in clock order) laid end to end, replicas in the order
 * `replicaOrder` gives (by default as `lists` holds them).
 */
export function joinByReplica(
  lists: ReadonlyMap<number, Int32Array>,
  replicaOrder?: (a: number, b: number) => number,
): ClockSorted {
  const clients = [...lists.keys()];
  if (replicaOrder !== undefined) clients.sort(replicaOrder);
  let total = 0;
  for (const l of lists.values()) total += l.length;
  const order = new Int32Array(total);
  const spans = new Map<number, readonly [number, number]>();
  let at = 0;
  for (const c of clients) {
    const l = lists.get(c) as Int32Array;
    order.set(l, at);
    spans.set(c, [at, at + l.length]);
    at += l.length;
  }
  return { order, spans };
}

/** The index of the run holding unit `(client, clock)` among the `sorted` runs of `runs`; -1 if none. */
export function findRun(runs: RunClocks, sorted: ClockSorted, client: number, clock: number): number {
  const span = sorted.spans.get(client);
  if (span === undefined) return -1;
  const order = sorted.order;
  const from = span[0];
  let lo = from;
  let hi = span[1];
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((runs.clock[order[mid] as number] as number) <= clock) lo = mid + 1;
    else hi = mid;
  }
  if (lo === from) return -1;
  const i = order[lo - 1] as number;
  return clock < (runs.clock[i] as number) + (runs.len[i] as number) ? i : -1;
}

/**
 * A {@link FindRun} over the runs of `runs` whose replica `skip` does not exclude, each replica's
 * runs sorted by clock once.
 */
export function searchRuns(runs: RunClocks, skip: (client: number) => boolean): FindRun {
  const sorted = sortRunsByClock(runs, (c) => !skip(c));
  return (client, clock) => findRun(runs, sorted, client, clock);
}
