/**
 * 2P-Set: a two-phase set, where removal is final.
 */
import { decodeWith } from '../encoding/decoder.js';
import { Encoder } from '../encoding/encoder.js';
import { DecodeError } from '../errors.js';
import { keysSubset, readValues, sameKeys, sortedEntries, writeValues } from './element-map.js';
import { expectTag, type StateCrdt, StateTag } from './state-crdt.js';
import type { ValueCodec, ValueKey } from './value-codec.js';

/**
 * A two-phase set: a grow-only set of added elements and a grow-only set of removed elements
 * (tombstones). An element is present when it was added and never removed.
 *
 * **Removal is final**: once an element is removed (on any replica), adding it again, locally or
 * concurrently on another replica, has no effect, and every replica that merges the removal drops
 * it. A concurrent add and remove of an element therefore resolve to "removed" (remove-wins).
 * Tombstones are kept forever (they are what makes removal final). Removing an element that is
 * not present has no effect, so an element can only be removed after it was added somewhere.
 */
export class TwoPSet<T> implements StateCrdt<TwoPSet<T>, T[]> {
  /** How elements are written, read and identified. */
  readonly codec: ValueCodec<T>;
  /** Added and not removed. */
  private readonly live = new Map<ValueKey, T>();
  /** Removed (and therefore once added). Disjoint from `live`. */
  private readonly removed = new Map<ValueKey, T>();

  /** An empty set whose elements are handled by `codec`. */
  constructor(codec: ValueCodec<T>) {
    this.codec = codec;
  }

  /**
   * Add `value`, unless it was ever removed (then nothing happens). Returns true if the set changed.
   * @throws {AccordError} `invalid-argument` if the codec cannot encode `value`; the set is unchanged.
   */
  add(value: T): boolean {
    const k = this.codec.key(value);
    if (this.live.has(k) || this.removed.has(k)) return false;
    this.live.set(k, value);
    return true;
  }

  /**
   * Remove `value` for good if it is present. Returns true if the set changed.
   * @throws {AccordError} `invalid-argument` if the codec cannot encode `value`.
   */
  remove(value: T): boolean {
    const k = this.codec.key(value);
    const v = this.live.get(k);
    if (v === undefined && !this.live.has(k)) return false;
    this.live.delete(k);
    this.removed.set(k, v as T);
    return true;
  }

  /** True when `value` is present (added and never removed). */
  has(value: T): boolean {
    return this.live.has(this.codec.key(value));
  }

  /** True when `value` was removed (and can never come back). */
  isRemoved(value: T): boolean {
    return this.removed.has(this.codec.key(value));
  }

  /** Number of present elements. */
  get size(): number {
    return this.live.size;
  }

  /** The present elements, sorted by codec key. */
  value(): T[] {
    return sortedEntries(this.live).map(([, v]) => v);
  }

  /** Union of the added sets and of the removed sets, in place. */
  merge(other: TwoPSet<T>): void {
    for (const [k, v] of other.removed) {
      if (this.removed.has(k)) continue;
      this.live.delete(k);
      this.removed.set(k, v);
    }
    for (const [k, v] of other.live) {
      if (!this.live.has(k) && !this.removed.has(k)) this.live.set(k, v);
    }
  }

  /** An independent copy. */
  clone(): TwoPSet<T> {
    const copy = new TwoPSet(this.codec);
    for (const [k, v] of this.live) copy.live.set(k, v);
    for (const [k, v] of this.removed) copy.removed.set(k, v);
    return copy;
  }

  /** True when both have the same added and the same removed elements. */
  equals(other: TwoPSet<T>): boolean {
    return sameKeys(this.live, other.live) && sameKeys(this.removed, other.removed);
  }

  /** True when this state's added and removed sets are subsets of `other`'s. */
  leq(other: TwoPSet<T>): boolean {
    if (!keysSubset(this.removed, other.removed)) return false;
    for (const k of this.live.keys()) if (!other.live.has(k) && !other.removed.has(k)) return false;
    return true;
  }

  /** The canonical encoding: the 2P-Set tag, the present elements, then the removed ones. */
  encode(): Uint8Array {
    const enc = new Encoder();
    enc.writeU8(StateTag.TwoPSet);
    writeValues(enc, this.live, this.codec);
    writeValues(enc, this.removed, this.codec);
    return enc.toBytes();
  }

  /**
   * Decode bytes written by {@link TwoPSet.encode}.
   * @throws {DecodeError} for any malformed input, including repeated elements or an element both
   * present and removed; nothing else.
   */
  static decode<T>(bytes: Uint8Array, codec: ValueCodec<T>): TwoPSet<T> {
    return decodeWith(bytes, (dec) => {
      expectTag(dec, StateTag.TwoPSet, '2P-Set');
      const set = new TwoPSet(codec);
      readValues(dec, codec, set.live);
      readValues(dec, codec, set.removed);
      for (const k of set.removed.keys()) {
        if (set.live.has(k)) throw new DecodeError('invalid', 'element both present and removed');
      }
      return set;
    });
  }
}
