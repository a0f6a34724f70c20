/**
 * Vector clocks: one counter per replica, merged by pointwise maximum. They describe "everything up
 * to event n of each replica" and order states and operations by causality.
 */
import type { Decoder } from '../encoding/decoder.js';
import { decodeWith } from '../encoding/decoder.js';
import { Encoder } from '../encoding/encoder.js';
import { AccordError, DecodeError } from '../errors.js';
import { assertReplicaId, type Dot, type ReplicaId } from './dot.js';

/** How two vector clocks (or the histories they describe) relate by causality. */
export type ClockOrder = 'before' | 'after' | 'equal' | 'concurrent';

/** Bytes each encoded entry takes at least (one varint for the replica, one for the counter). */
const MIN_ENTRY_BYTES = 2;

/**
 * A mutable vector clock: for each replica, how many of its events are included (missing replicas
 * count as 0). Merging is pointwise maximum, so it is commutative, associative and idempotent;
 * concurrent updates from different replicas therefore combine in any order to the same clock.
 *
 * Entries are never 0 (a replica with no events has no entry), so two equal clocks always have the
 * same entries and the same canonical encoding.
 */
export class VectorClock {
  private readonly entries: Map<ReplicaId, number>;

  /**
   * Build a clock, optionally from `[replica, counter]` pairs (zero counters are skipped; repeated
   * replicas keep their maximum).
   * @throws {AccordError} `invalid-argument` for invalid replica ids or negative/unsafe counters.
   */
  constructor(entries?: Iterable<readonly [ReplicaId, number]>) {
    this.entries = new Map();
    if (entries) {
      for (const [r, c] of entries) this.advance(r, c);
    }
  }

  /** How many of `replica`'s events this clock includes (0 if none). */
  get(replica: ReplicaId): number {
    return this.entries.get(replica) ?? 0;
  }

  /** Number of replicas with a non-zero entry. */
  get size(): number {
    return this.entries.size;
  }

  /** True when the clock includes no events at all. */
  get isEmpty(): boolean {
    return this.entries.size === 0;
  }

  /**
   * Raise `replica`'s entry to at least `counter` (never lowers it).
   * @throws {AccordError} `invalid-argument` for an invalid replica id or a negative/unsafe counter.
   */
  advance(replica: ReplicaId, counter: number): void {
    assertReplicaId(replica);
    if (!Number.isSafeInteger(counter) || counter < 0) {
      throw new AccordError(
        'invalid-argument',
        `vector clock counter must be a safe integer >= 0, got ${counter}`,
      );
    }
    if (counter > (this.entries.get(replica) ?? 0)) this.entries.set(replica, counter);
  }

  /**
   * Record a new local event of `replica` and return its dot (`counter` = previous entry + 1).
   * @throws {AccordError} `invalid-argument` for an invalid replica id, `out-of-range` if the
   * counter would exceed `Number.MAX_SAFE_INTEGER`.
   */
  increment(replica: ReplicaId): Dot {
    assertReplicaId(replica);
    const counter = (this.entries.get(replica) ?? 0) + 1;
    if (counter > Number.MAX_SAFE_INTEGER)
      throw new AccordError('out-of-range', 'vector clock counter overflow');
    this.entries.set(replica, counter);
    return { replica, counter };
  }

  /** True when the clock includes the event `dot` (its counter is at most this clock's entry). */
  includes(dot: Dot): boolean {
    return dot.counter <= (this.entries.get(dot.replica) ?? 0);
  }

  /** Merge `other` into this clock in place (pointwise maximum). Returns `this`. */
  merge(other: VectorClock): this {
    for (const [r, c] of other.entries) {
      if (c > (this.entries.get(r) ?? 0)) this.entries.set(r, c);
    }
    return this;
  }

  /**
   * Compare causally: `'before'` if this clock is strictly included in `other`, `'after'` if it
   * strictly includes `other`, `'equal'` if identical, `'concurrent'` otherwise. Consistent with
   * {@link VectorClock.merge}: `a.compare(b)` is `'before'` or `'equal'` exactly when merging `a`
   * into `b` leaves `b` unchanged.
   */
  compare(other: VectorClock): ClockOrder {
    let less = false; // some entry of this < other
    let greater = false; // some entry of this > other
    for (const [r, c] of this.entries) {
      const o = other.entries.get(r) ?? 0;
      if (c > o) greater = true;
      else if (c < o) less = true;
      if (less && greater) return 'concurrent';
    }
    for (const [r, o] of other.entries) {
      if (!this.entries.has(r) && o > 0) {
        less = true;
        break;
      }
    }
    if (less && greater) return 'concurrent';
    if (less) return 'before';
    if (greater) return 'after';
    return 'equal';
  }

  /** True when this clock includes every event of `other` (`compare` is `'after'` or `'equal'`). */
  dominates(other: VectorClock): boolean {
    for (const [r, o] of other.entries) {
      if ((this.entries.get(r) ?? 0) < o) return false;
    }
    return true;
  }

  /** True when both clocks have identical entries. */
  equals(other: VectorClock): boolean {
    if (this.entries.size !== other.entries.size) return false;
    for (const [r, c] of this.entries) {
      if (other.entries.get(r) !== c) return false;
    }
    return true;
  }

  /** An independent copy. */
  clone(): VectorClock {
    const copy = new VectorClock();
    for (const [r, c] of this.entries) copy.entries.set(r, c);
    return copy;
  }

  /** The `[replica, counter]` entries (non-zero only), in insertion order. */
  [Symbol.iterator](): IterableIterator<[ReplicaId, number]> {
    return this.entries.entries();
  }

  /** The entries sorted by replica id. */
  toSortedEntries(): Array<[ReplicaId, number]> {
    return [...this.entries].sort((a, b) => a[0] - b[0]);
  }

  /** A plain object `{ [replica]: counter }` for debugging and JSON snapshots in tests. */
  toJSON(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [r, c] of this.toSortedEntries()) out[String(r)] = c;
    return out;
  }

  /**
   * Write the canonical encoding: an entry count, then entries sorted by replica with the replica
   * delta-encoded (the first absolute) and the counter as an unsigned varint.
   */
  encode(enc: Encoder): void {
    const sorted = this.toSortedEntries();
    enc.writeVarUint(sorted.length);
    let prev = 0;
    for (let i = 0; i < sorted.length; i++) {
      const [r, c] = sorted[i] as [ReplicaId, number];
      enc.writeVarUint(i === 0 ? r : r - prev);
      enc.writeVarUint(c);
      prev = r;
    }
  }

  /** The canonical encoding as a standalone byte array. */
  toBytes(): Uint8Array {
    const enc = new Encoder(8 + this.entries.size * 10);
    this.encode(enc);
    return enc.toBytes();
  }

  /**
   * Read a clock written by {@link VectorClock.encode}. Bounded: the entry count is checked
   * against the bytes left before anything is allocated.
   * @throws {DecodeError} on truncated or oversized input, zero counters, replicas out of order or
   * repeated (`invalid`), replica ids above 2^53 - 1 (`overflow`).
   */
  static decode(dec: Decoder): VectorClock {
    const n = dec.readCount(MIN_ENTRY_BYTES);
    const clock = new VectorClock();
    let prev = 0;
    for (let i = 0; i < n; i++) {
      const delta = dec.readVarUint();
      if (i > 0 && delta === 0)
        throw new DecodeError('invalid', 'vector clock replicas not strictly ascending');
      const r = i === 0 ? delta : prev + delta;
      if (r > Number.MAX_SAFE_INTEGER) throw new DecodeError('overflow', 'replica id exceeds 2^53 - 1');
      const c = dec.readVarUint();
      if (c === 0) throw new DecodeError('invalid', 'vector clock entry with counter 0');
      clock.entries.set(r, c);
      prev = r;
    }
    return clock;
  }

  /**
   * Decode a standalone byte array written by {@link VectorClock.toBytes}.
   * @throws {DecodeError} for malformed input or trailing bytes; nothing else.
   */
  static fromBytes(bytes: Uint8Array): VectorClock {
    return decodeWith(bytes, (d) => VectorClock.decode(d));
  }
}
