/**
 * A sequence's runs as columns, as the snapshot order check (`order-check.ts`) reads them.
 */

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
