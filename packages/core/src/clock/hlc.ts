/**
 * Hybrid logical clocks (Kulkarni et al., 2014): timestamps that stay close to wall-clock time but
 * never go backwards and always order after every timestamp the replica has observed, even when the
 * local wall clock is skewed, lags behind other replicas, or jumps backwards.
 */
import type { Decoder } from '../encoding/decoder.js';
import { decodeWith } from '../encoding/decoder.js';
import { Encoder } from '../encoding/encoder.js';
import { AccordError } from '../errors.js';
import { assertReplicaId, type ReplicaId } from './dot.js';

/**
 * A hybrid logical clock timestamp. Ordered by `wall`, then `logical`, then `replica` (see
 * {@link compareTimestamps}), so timestamps of different replicas are never equal.
 */
export interface Timestamp {
  /** Milliseconds since the Unix epoch: the largest wall time seen, never decreasing. */
  wall: number;
  /** Counter that orders events within one `wall` millisecond. */
  logical: number;
  /** The replica that issued the timestamp: the final tie-break. */
  replica: ReplicaId;
}

/** Options of {@link HybridClock}. */
export interface HybridClockOptions {
  /**
   * Refuse remote timestamps whose wall time is more than this many milliseconds ahead of the local
   * wall clock (a protection against a peer with a clock years in the future). Default: no limit.
   */
  maxDriftMs?: number;
}

/**
 * Total order on timestamps: negative if `a` is earlier, positive if later, 0 only for identical
 * timestamps. Compares `wall`, then `logical`, then `replica`.
 */
export function compareTimestamps(a: Timestamp, b: Timestamp): number {
  if (a.wall !== b.wall) return a.wall < b.wall ? -1 : 1;
  if (a.logical !== b.logical) return a.logical < b.logical ? -1 : 1;
  if (a.replica !== b.replica) return a.replica < b.replica ? -1 : 1;
  return 0;
}

/**
 * A hybrid logical clock for one replica. `tick()` stamps local events; `observe(ts)` folds in a
 * timestamp received from another replica, so every later `tick()` orders after it. Timestamps
 * from one clock strictly increase, whatever the wall clock does (backwards jumps, freezes,
 * non-finite values): the clock then advances its logical counter instead.
 */
export class HybridClock {
  /** The replica stamped into every timestamp. */
  readonly replica: ReplicaId;
  private readonly now: () => number;
  private readonly maxDriftMs: number;
  private wall = 0;
  private logical = 0;

  /**
   * @param replica this replica's id.
   * @param now the wall clock in milliseconds (injectable for tests; default `Date.now`).
   * @throws {AccordError} `invalid-argument` for an invalid replica id or a negative `maxDriftMs`.
   */
  constructor(replica: ReplicaId, now: () => number = Date.now, options: HybridClockOptions = {}) {
    assertReplicaId(replica);
    this.replica = replica;
    this.now = now;
    const drift = options.maxDriftMs ?? Number.POSITIVE_INFINITY;
    if (!(drift >= 0)) throw new AccordError('invalid-argument', 'maxDriftMs must be >= 0');
    this.maxDriftMs = drift;
  }

  /** The wall clock reading, made safe: a non-negative integer, or 0 for nonsense readings. */
  private physical(): number {
    const t = this.now();
    if (!Number.isFinite(t) || t <= 0) return 0;
    return Math.min(Math.floor(t), Number.MAX_SAFE_INTEGER);
  }

  /**
   * A new timestamp for a local event, strictly greater than every timestamp this clock issued or
   * observed before.
   * @throws {AccordError} `out-of-range` only when both wall and logical time reached 2^53 - 1
   * (after observing a hostile timestamp).
   */
  tick(): Timestamp {
    const pt = this.physical();
    if (pt > this.wall) {
      this.wall = pt;
      this.logical = 0;
    } else {
      this.bumpLogical(this.logical);
    }
    return { wall: this.wall, logical: this.logical, replica: this.replica };
  }

  /**
   * Fold in a timestamp received from another replica: later `tick()`s order after it. Returns
   * nothing; local state only moves forward.
   * @throws {AccordError} `invalid-argument` for a malformed timestamp, `out-of-range` when its
   * wall time is more than `maxDriftMs` ahead of the local wall clock; the clock is then unchanged.
   */
  observe(ts: Timestamp): void {
    if (
      !Number.isSafeInteger(ts.wall) ||
      ts.wall < 0 ||
      !Number.isSafeInteger(ts.logical) ||
      ts.logical < 0
    ) {
      throw new AccordError(
        'invalid-argument',
        'timestamp wall and logical must be non-negative safe integers',
      );
    }
    const pt = this.physical();
    if (ts.wall - pt > this.maxDriftMs) {
      throw new AccordError(
        'out-of-range',
        `remote timestamp is ${ts.wall - pt} ms ahead of the local clock`,
      );
    }
    if (ts.wall > this.wall) {
      this.wall = ts.wall;
      this.logical = ts.logical;
    } else if (ts.wall === this.wall && ts.logical > this.logical) {
      this.logical = ts.logical;
    }
  }

  /** Observe `ts` and then tick: the timestamp of a local event caused by receiving `ts`. */
  receive(ts: Timestamp): Timestamp {
    this.observe(ts);
    return this.tick();
  }

  /** The last timestamp issued or observed (without advancing the clock). */
  peek(): Timestamp {
    return { wall: this.wall, logical: this.logical, replica: this.replica };
  }

  /**
   * Advance the logical counter; at its limit (reachable only through a hostile observed
   * timestamp) move to the next millisecond instead, which still orders after everything seen.
   */
  private bumpLogical(current: number): void {
    if (current < Number.MAX_SAFE_INTEGER) {
      this.logical = current + 1;
      return;
    }
    if (this.wall >= Number.MAX_SAFE_INTEGER) throw new AccordError('out-of-range', 'hybrid clock exhausted');
    this.wall += 1;
    this.logical = 0;
  }
}

/** Write a timestamp as three unsigned varints (wall, logical, replica). */
export function encodeTimestamp(enc: Encoder, ts: Timestamp): void {
  enc.writeVarUint(ts.wall);
  enc.writeVarUint(ts.logical);
  enc.writeVarUint(ts.replica);
}

/**
 * Read a timestamp written by {@link encodeTimestamp}.
 * @throws {DecodeError} on truncated input or values above 2^53 - 1 (never anything else).
 */
export function decodeTimestamp(dec: Decoder): Timestamp {
  const wall = dec.readVarUint();
  const logical = dec.readVarUint();
  const replica = dec.readVarUint();
  return { wall, logical, replica };
}

/** A timestamp as a standalone byte array. */
export function timestampToBytes(ts: Timestamp): Uint8Array {
  const enc = new Encoder(24);
  encodeTimestamp(enc, ts);
  return enc.toBytes();
}

/**
 * Decode a standalone timestamp written by {@link timestampToBytes}.
 * @throws {DecodeError} for malformed input or trailing bytes; nothing else.
 */
export function timestampFromBytes(bytes: Uint8Array): Timestamp {
  return decodeWith(bytes, decodeTimestamp);
}
