/**
 * The run holding a unit, by binary search of each replica's runs sorted by clock: for mark
 * anchors written as positions (`mark-anchors.ts`, `sync/load-text-marks.ts`). (The snapshot order
 * check keeps its own sorted runs, `sync/order-integrate.ts`, which it also walks in clock order.)
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

/**
 * A {@link FindRun} over the runs of `runs` whose replica `skip` does not exclude, each replica's
 * runs sorted by clock once.
 */
export function searchRuns(runs: RunClocks, skip: (client: number) => boolean): FindRun {
  const byClient = new Map<number, number[]>();
  for (let i = 0; i < runs.n; i++) {
    const c = runs.client[i] as number;
    if (skip(c)) continue;
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
  return (client, clock) => {
    const list = sorted.get(client);
    if (list === undefined) return -1;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((runs.clock[list[mid] as number] as number) <= clock) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) return -1;
    const i = list[lo - 1] as number;
    return clock < (runs.clock[i] as number) + (runs.len[i] as number) ? i : -1;
  };
}
