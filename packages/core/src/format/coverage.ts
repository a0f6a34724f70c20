/**
 * What a set of updates covers, read from their bytes without building a document: a relay
 * that rejoins its cluster compares thousands of stored documents with its peers this way
 * without loading any of them.
 */

import type { DecodedUpdate } from './records.js';
import { decodeUpdate, normalizeRanges } from './update-codec.js';

/** The ids a set of updates holds: a state vector and the deleted ranges. */
export interface UpdateCoverage {
  /**
   * Per replica, the next clock after the longest run of ids from 0 that the updates hold
   * (structs whose dependencies are missing count as held: they are stored). Ids past a gap are
   * not counted, so a peer that diffs against this vector sends everything really missing.
   */
  readonly stateVector: Map<number, number>;
  /** Deleted (or collected) id ranges per replica, normalized: sorted, merged `[start, len, ...]`. */
  readonly deletes: Map<number, number[]>;
}

function addRange(out: Map<number, number[]>, client: number, clock: number, len: number): void {
  const r = out.get(client);
  if (r === undefined) out.set(client, [clock, len]);
  else r.push(clock, len);
}

/**
 * The coverage of `updates` (a snapshot and the log after it, say).
 * @throws {DecodeError} if any update is malformed.
 */
export function coverageOf(updates: readonly Uint8Array[]): UpdateCoverage {
  const runs = new Map<number, number[]>();
  const deletes = new Map<number, number[]>();
  for (const bytes of updates) collect(decodeUpdate(bytes), runs, deletes);
  const stateVector = new Map<number, number>();
  for (const [client, ranges] of runs) {
    const merged = normalizeRanges(ranges);
    if (merged[0] === 0) stateVector.set(client, merged[1] as number);
  }
  for (const [c, ranges] of deletes) deletes.set(c, normalizeRanges(ranges));
  return { stateVector, deletes };
}

function collect(u: DecodedUpdate, runs: Map<number, number[]>, deletes: Map<number, number[]>): void {
  for (const r of u.records) {
    addRange(runs, r.client, r.clock, r.len);
    if (r.t === 3 || (r.t === 0 && r.content === null)) addRange(deletes, r.client, r.clock, r.len);
  }
  for (const [c, ranges] of u.deletes)
    for (let i = 0; i < ranges.length; i += 2)
      addRange(deletes, c, ranges[i] as number, ranges[i + 1] as number);
}

/** Whether the normalized `ranges` contain every id of `clock .. clock + len - 1`. */
function contains(ranges: readonly number[] | undefined, clock: number, len: number): boolean {
  if (ranges === undefined) return false;
  // Binary search for the last range starting at or before `clock`.
  let lo = 0;
  let hi = ranges.length / 2 - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((ranges[2 * mid] as number) <= clock) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found < 0) return false;
  return (ranges[2 * found] as number) + (ranges[2 * found + 1] as number) >= clock + len;
}

/**
 * Whether applying `update` could change a document that holds `coverage`: it carries a struct
 * past the state vector or a deletion not already covered. `false` means it is safe to skip.
 * @throws {DecodeError} if the update is malformed.
 */
export function addsToCoverage(coverage: UpdateCoverage, update: Uint8Array): boolean {
  const u = decodeUpdate(update);
  for (const r of u.records) {
    if (r.clock + r.len > (coverage.stateVector.get(r.client) ?? 0)) return true;
    if (
      (r.t === 3 || (r.t === 0 && r.content === null)) &&
      !contains(coverage.deletes.get(r.client), r.clock, r.len)
    )
      return true;
  }
  for (const [c, ranges] of u.deletes) {
    const have = coverage.deletes.get(c);
    for (let i = 0; i < ranges.length; i += 2)
      if (!contains(have, ranges[i] as number, ranges[i + 1] as number)) return true;
  }
  return false;
}
