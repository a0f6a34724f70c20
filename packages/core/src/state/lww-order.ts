/**
 * The total order that last-writer-wins types use to pick a winner, and the options they share.
 */
import { compareTimestamps, type Timestamp } from '../clock/hlc.js';
import { compareValueKeys, type ValueKey } from './value-codec.js';

/** Options of the last-writer-wins types. */
export interface LWWOptions {
  /**
   * The wall clock in milliseconds feeding the hybrid logical clock (default `Date.now`);
   * injectable for tests and for simulating skewed clocks.
   */
  now?: () => number;
}

/**
 * Order two writes: by hybrid logical clock timestamp (wall, logical, replica), then, only for
 * identical timestamps (impossible between honest replicas with distinct ids), tombstone before
 * value and by value key, so that merge stays deterministic even then.
 */
export function compareWrites(
  a: Timestamp,
  aKey: ValueKey | undefined,
  b: Timestamp,
  bKey: ValueKey | undefined,
): number {
  const c = compareTimestamps(a, b);
  if (c !== 0) return c;
  if (aKey === undefined || bKey === undefined) {
    return aKey === bKey ? 0 : aKey === undefined ? -1 : 1;
  }
  return compareValueKeys(aKey, bKey);
}
