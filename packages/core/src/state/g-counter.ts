/**
 * G-Counter: a grow-only counter, one non-negative count per replica, merged by pointwise maximum.
 */
import { assertReplicaId, type ReplicaId } from '../clock/dot.js';
import type { Decoder } from '../encoding/decoder.js';
import { decodeWith } from '../encoding/decoder.js';
import { Encoder } from '../encoding/encoder.js';
import { AccordError, DecodeError } from '../errors.js';
import { expectTag, type StateCrdt, StateTag } from './state-crdt.js';

/**
 * A grow-only counter. Each replica only increments its own entry; merge takes the maximum of
 * each entry, so concurrent increments on different replicas all count, and re-merging the same
 * state never counts twice. Entries are safe integers and the value is their exact sum, so
 * replicas that merged the same states hold the same value bit for bit, whatever the order.
 *
 * Bounds: a local increment is refused when the local entry or the total would pass 2^53 - 1.
 * Merging concurrent increments of different replicas can still take the total past it (merge
 * never refuses: that would keep replicas apart); the exact total is kept and
 * {@link GCounter.value} is then its nearest double, the same on every replica.
 */
export class GCounter implements StateCrdt<GCounter, number> {
  /** The replica whose entry {@link GCounter.increment} raises. */
  readonly replica: ReplicaId;
  private readonly counts = new Map<ReplicaId, number>();
  /** The sum of the entries while it is a safe integer (then exact). */
  private total = 0;
  /** True once the sum passed 2^53 - 1 (then `total` is unused and the sum is recomputed exactly). */
  private overflow = false;

  /**
   * An empty counter (value 0) for the local replica `replica`.
   * @throws {AccordError} `invalid-argument` if `replica` is not a non-negative safe integer.
   */
  constructor(replica: ReplicaId) {
    assertReplicaId(replica);
    this.replica = replica;
  }

  /**
   * Add `amount` (a non-negative safe integer, default 1) to the local entry.
   * @throws {AccordError} `invalid-argument` for a negative, fractional, non-finite or unsafe
   * amount; `out-of-range` if the local entry or the total would exceed 2^53 - 1. The counter is
   * unchanged then.
   */
  increment(amount = 1): void {
    this.checkEntry(amount);
    if (amount !== 0 && (this.overflow || !Number.isSafeInteger(this.total + amount)))
      throw new AccordError('out-of-range', 'G-Counter total would exceed 2^53 - 1');
    this.addToEntry(amount);
  }

  /**
   * @internal Add `amount` to the local entry, checking the amount and the entry but not the
   * total (the PN-Counter bounds its own total, the difference of two G-Counters).
   * @throws {AccordError} as {@link GCounter.increment}.
   */
  incrementEntry(amount: number): void {
    this.checkEntry(amount);
    this.addToEntry(amount);
  }

  /** @throws {AccordError} unless `amount` is a valid increment of the local entry. */
  private checkEntry(amount: number): void {
    if (!Number.isSafeInteger(amount) || amount < 0) {
      throw new AccordError(
        'invalid-argument',
        `increment must be a non-negative safe integer, got ${String(amount)}`,
      );
    }
    if (!Number.isSafeInteger(this.get(this.replica) + amount))
      throw new AccordError('out-of-range', 'G-Counter entry would exceed 2^53 - 1');
  }

  private addToEntry(amount: number): void {
    if (amount === 0) return;
    this.counts.set(this.replica, this.get(this.replica) + amount);
    this.addToTotal(amount);
  }

  /** Raise the running total by `amount` (the growth of one entry, a safe integer). */
  private addToTotal(amount: number): void {
    if (this.overflow) return;
    const next = this.total + amount;
    if (Number.isSafeInteger(next)) this.total = next;
    else this.overflow = true;
  }

  /**
   * The sum of all replicas' increments seen so far: exact up to 2^53 - 1, beyond (reachable
   * only by merging) the nearest double of the exact sum.
   */
  value(): number {
    return this.overflow ? Number(this.exactTotal()) : this.total;
  }

  /** @internal The exact sum of the entries. */
  exactTotal(): bigint {
    if (!this.overflow) return BigInt(this.total);
    let sum = 0n;
    for (const c of this.counts.values()) sum += BigInt(c);
    return sum;
  }

  /** @internal True while the sum of the entries is a safe integer. */
  get totalIsSafe(): boolean {
    return !this.overflow;
  }

  /** The increments contributed by `replica` (0 if none seen). */
  get(replica: ReplicaId): number {
    return this.counts.get(replica) ?? 0;
  }

  /** Pointwise maximum with `other`, in place. */
  merge(other: GCounter): void {
    for (const [r, c] of other.counts) {
      const mine = this.counts.get(r) ?? 0;
      if (c > mine) {
        this.counts.set(r, c);
        this.addToTotal(c - mine);
      }
    }
  }

  /** An independent copy with the same replica id. */
  clone(): GCounter {
    const copy = new GCounter(this.replica);
    for (const [r, c] of this.counts) copy.counts.set(r, c);
    copy.total = this.total;
    copy.overflow = this.overflow;
    return copy;
  }

  /** True when every replica's entry is equal. */
  equals(other: GCounter): boolean {
    if (this.counts.size !== other.counts.size) return false;
    for (const [r, c] of this.counts) if (other.counts.get(r) !== c) return false;
    return true;
  }

  /** True when every entry is at most `other`'s. */
  leq(other: GCounter): boolean {
    for (const [r, c] of this.counts) if (c > (other.counts.get(r) ?? 0)) return false;
    return true;
  }

  /**
   * Write the entries (without the type tag) to `enc`: a count, then replica ids ascending and
   * delta-encoded, each followed by its count. Used by composite types such as the PN-Counter.
   */
  encodeTo(enc: Encoder): void {
    const replicas = [...this.counts.keys()].sort((a, b) => a - b);
    enc.writeVarUint(replicas.length);
    let prev = 0;
    for (const r of replicas) {
      enc.writeVarUint(r - prev);
      enc.writeVarUint(this.counts.get(r) as number);
      prev = r;
    }
  }

  /** The canonical encoding: the G-Counter tag and the entries. */
  encode(): Uint8Array {
    const enc = new Encoder(4 + this.counts.size * 10);
    enc.writeU8(StateTag.GCounter);
    this.encodeTo(enc);
    return enc.toBytes();
  }

  /**
   * Read entries written by {@link GCounter.encodeTo} into a counter for local replica `replica`.
   * Bounded by the bytes left. Each entry is a safe integer (the varint reader refuses more); a
   * sum beyond 2^53 - 1 is accepted, since merging concurrent states produces it.
   * @throws {DecodeError} for truncated input, replicas not strictly ascending or zero counts.
   */
  static decodeFrom(dec: Decoder, replica: ReplicaId): GCounter {
    const counter = new GCounter(replica);
    const n = dec.readCount(2);
    let prev = 0;
    for (let i = 0; i < n; i++) {
      const delta = dec.readVarUint();
      if (i > 0 && delta === 0) throw new DecodeError('invalid', 'G-Counter replicas not strictly ascending');
      const r = prev + delta;
      if (r > Number.MAX_SAFE_INTEGER) throw new DecodeError('overflow', 'replica id exceeds 2^53 - 1');
      const c = dec.readVarUint();
      if (c === 0) throw new DecodeError('invalid', 'G-Counter entry of 0');
      counter.addToTotal(c);
      counter.counts.set(r, c);
      prev = r;
    }
    return counter;
  }

  /**
   * Decode bytes written by {@link GCounter.encode} into a counter for local replica `replica`.
   * @throws {DecodeError} for any malformed input (nothing else); {@link AccordError} only for an
   * invalid `replica` argument.
   */
  static decode(bytes: Uint8Array, replica: ReplicaId): GCounter {
    assertReplicaId(replica);
    return decodeWith(bytes, (dec) => {
      expectTag(dec, StateTag.GCounter, 'G-Counter');
      return GCounter.decodeFrom(dec, replica);
    });
  }
}
