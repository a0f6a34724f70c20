/**
 * PN-Counter: a counter that goes up and down, built from two G-Counters (increments, decrements).
 */
import { assertReplicaId, type ReplicaId } from '../clock/dot.js';
import { decodeWith } from '../encoding/decoder.js';
import { Encoder } from '../encoding/encoder.js';
import { AccordError } from '../errors.js';
import { GCounter } from './g-counter.js';
import { expectTag, type StateCrdt, StateTag } from './state-crdt.js';

/** The safe integer range as bigints. */
const MAX = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * A counter with increments and decrements. Increments and decrements are kept in two grow-only
 * counters merged by pointwise maximum, so concurrent increments and decrements on different
 * replicas all apply exactly once, in any merge order: the value is the sum of every increment
 * minus the sum of every decrement seen, computed exactly, so replicas that merged the same
 * states hold the same value bit for bit.
 *
 * Bounds: amounts are safe integers; a local change is refused when the local replica's
 * increments or decrements, or the value, would leave ±(2^53 - 1). Merging concurrent changes of
 * different replicas can still take the value past it (merge never refuses); it is then the
 * nearest double of the exact value, the same on every replica.
 */
export class PNCounter implements StateCrdt<PNCounter, number> {
  private readonly inc: GCounter;
  private readonly dec: GCounter;

  /**
   * A counter at 0 for the local replica `replica`.
   * @throws {AccordError} `invalid-argument` if `replica` is not a non-negative safe integer.
   */
  constructor(replica: ReplicaId) {
    this.inc = new GCounter(replica);
    this.dec = new GCounter(replica);
  }

  /** The local replica id. */
  get replica(): ReplicaId {
    return this.inc.replica;
  }

  /**
   * Add `amount` (a safe integer; a negative amount decrements), default 1.
   * @throws {AccordError} `invalid-argument` for a fractional, non-finite or unsafe amount;
   * `out-of-range` if the local replica's increments or decrements, or the value, would leave
   * ±(2^53 - 1). The counter is unchanged then.
   */
  increment(amount = 1): void {
    if (!Number.isSafeInteger(amount)) {
      throw new AccordError('invalid-argument', `amount must be a safe integer, got ${String(amount)}`);
    }
    if (amount === 0) return;
    if (!this.valueCanAdd(amount)) {
      throw new AccordError('out-of-range', 'PN-Counter value would leave ±(2^53 - 1)');
    }
    if (amount > 0) this.inc.incrementEntry(amount);
    else this.dec.incrementEntry(-amount);
  }

  /** True when the value plus `amount` (a safe integer) is still a safe integer. */
  private valueCanAdd(amount: number): boolean {
    if (this.inc.totalIsSafe && this.dec.totalIsSafe)
      return Number.isSafeInteger(this.inc.value() - this.dec.value() + amount);
    const next = this.inc.exactTotal() - this.dec.exactTotal() + BigInt(amount);
    return next <= MAX && next >= -MAX;
  }

  /**
   * Subtract `amount` (a safe integer), default 1.
   * @throws {AccordError} as {@link PNCounter.increment}.
   */
  decrement(amount = 1): void {
    if (!Number.isSafeInteger(amount)) {
      throw new AccordError('invalid-argument', `amount must be a safe integer, got ${String(amount)}`);
    }
    this.increment(-amount);
  }

  /**
   * Increments minus decrements over every replica seen so far: exact within ±(2^53 - 1), beyond
   * (reachable only by merging) the nearest double of the exact value.
   */
  value(): number {
    if (this.inc.totalIsSafe && this.dec.totalIsSafe) return this.inc.value() - this.dec.value();
    return Number(this.inc.exactTotal() - this.dec.exactTotal());
  }

  /** Merge both halves, in place. */
  merge(other: PNCounter): void {
    this.inc.merge(other.inc);
    this.dec.merge(other.dec);
  }

  /** An independent copy with the same replica id. */
  clone(): PNCounter {
    const copy = new PNCounter(this.replica);
    copy.inc.merge(this.inc);
    copy.dec.merge(this.dec);
    return copy;
  }

  /** True when both halves are equal. */
  equals(other: PNCounter): boolean {
    return this.inc.equals(other.inc) && this.dec.equals(other.dec);
  }

  /** True when both halves are less than or equal to `other`'s. */
  leq(other: PNCounter): boolean {
    return this.inc.leq(other.inc) && this.dec.leq(other.dec);
  }

  /** The canonical encoding: the PN-Counter tag, the increments, then the decrements. */
  encode(): Uint8Array {
    const enc = new Encoder();
    enc.writeU8(StateTag.PNCounter);
    this.inc.encodeTo(enc);
    this.dec.encodeTo(enc);
    return enc.toBytes();
  }

  /**
   * Decode bytes written by {@link PNCounter.encode} into a counter for local replica `replica`.
   * @throws {DecodeError} for any malformed input (nothing else); {@link AccordError} only for an
   * invalid `replica` argument.
   */
  static decode(bytes: Uint8Array, replica: ReplicaId): PNCounter {
    assertReplicaId(replica);
    return decodeWith(bytes, (d) => {
      expectTag(d, StateTag.PNCounter, 'PN-Counter');
      const out = new PNCounter(replica);
      out.inc.merge(GCounter.decodeFrom(d, replica));
      out.dec.merge(GCounter.decodeFrom(d, replica));
      return out;
    });
  }
}
