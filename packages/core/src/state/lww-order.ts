/**
 * The total order that last-writer-wins types use to pick a winner, and the options they share.
 */
import type { ReplicaId } from '../clock/dot.js';
import { compareTimestamps, type Timestamp } from '../clock/hlc.js';
import type { Decoder } from '../encoding/decoder.js';
import type { Encoder } from '../encoding/encoder.js';
import { DecodeError } from '../errors.js';
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

/** The smallest wall time of `stamps` (0 when empty): the base that encodings subtract. */
export function minWall(stamps: Iterable<Timestamp>): number {
  let min = Number.POSITIVE_INFINITY;
  for (const ts of stamps) if (ts.wall < min) min = ts.wall;
  return min === Number.POSITIVE_INFINITY ? 0 : min;
}

/** Write the wall time (minus `base`, the smallest wall time of the encoding) and the logical counter of `ts`. */
export function writeWallLogical(enc: Encoder, ts: Timestamp, base: number): void {
  enc.writeVarUint(ts.wall - base);
  enc.writeVarUint(ts.logical);
}

/**
 * Read what {@link writeWallLogical} wrote.
 * @throws {DecodeError} for truncated input or a wall above 2^53 - 1.
 */
export function readWallLogical(dec: Decoder, base: number): { wall: number; logical: number } {
  const wall = base + dec.readVarUint();
  if (wall > Number.MAX_SAFE_INTEGER) throw new DecodeError('overflow', 'wall time exceeds 2^53 - 1');
  return { wall, logical: dec.readVarUint() };
}

/** Write `ts` as wall minus `base`, logical, and its replica's index in the encoding's replica table. */
export function writeTimestamp(
  enc: Encoder,
  ts: Timestamp,
  base: number,
  index: ReadonlyMap<ReplicaId, number>,
): void {
  writeWallLogical(enc, ts, base);
  const i = index.get(ts.replica);
  if (i === undefined) throw new RangeError(`replica ${ts.replica} is not in the replica table`);
  enc.writeVarUint(i);
}

/**
 * Read a timestamp written by {@link writeTimestamp} against the decoded replica `table`.
 * @throws {DecodeError} for truncated input, an index outside the table or a wall above 2^53 - 1.
 */
export function readTimestamp(dec: Decoder, base: number, table: readonly ReplicaId[]): Timestamp {
  const { wall, logical } = readWallLogical(dec, base);
  const replica = table[dec.readVarUint()];
  if (replica === undefined) throw new DecodeError('invalid', 'timestamp replica index out of range');
  return { wall, logical, replica };
}
