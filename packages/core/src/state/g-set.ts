/**
 * G-Set: a grow-only set.
 */
import { decodeWith } from '../encoding/decoder.js';
import { Encoder } from '../encoding/encoder.js';
import { keysSubset, readValues, sameKeys, sortedEntries, writeValues } from './element-map.js';
import { expectTag, type StateCrdt, StateTag } from './state-crdt.js';
import type { ValueCodec, ValueKey } from './value-codec.js';

/**
 * A grow-only set: elements can be added, never removed. Merge is set union, so an element added
 * on any replica is in the set of every replica that has merged that state, whatever the order of
 * merges. Elements are identified by their codec key (see {@link ValueCodec}); adding an element
 * that is already present changes nothing. No replica id is needed.
 */
export class GSet<T> implements StateCrdt<GSet<T>, T[]> {
  /** How elements are written, read and identified. */
  readonly codec: ValueCodec<T>;
  private readonly elements = new Map<ValueKey, T>();

  /** An empty set whose elements are handled by `codec`. */
  constructor(codec: ValueCodec<T>) {
    this.codec = codec;
  }

  /**
   * Add `value`. Returns true if it was not already present.
   * @throws {AccordError} `invalid-argument` if the codec cannot encode `value`; the set is unchanged.
   */
  add(value: T): boolean {
    const k = this.codec.key(value);
    if (this.elements.has(k)) return false;
    this.elements.set(k, value);
    return true;
  }

  /** True when `value` (by codec key) is in the set. */
  has(value: T): boolean {
    return this.elements.has(this.codec.key(value));
  }

  /** Number of elements. */
  get size(): number {
    return this.elements.size;
  }

  /** The elements, sorted by codec key (the same order on every replica). */
  value(): T[] {
    return sortedEntries(this.elements).map(([, v]) => v);
  }

  /** Set union, in place. */
  merge(other: GSet<T>): void {
    for (const [k, v] of other.elements) if (!this.elements.has(k)) this.elements.set(k, v);
  }

  /** An independent copy (the elements themselves are shared, not copied). */
  clone(): GSet<T> {
    const copy = new GSet(this.codec);
    for (const [k, v] of this.elements) copy.elements.set(k, v);
    return copy;
  }

  /** True when both sets have the same elements. */
  equals(other: GSet<T>): boolean {
    return sameKeys(this.elements, other.elements);
  }

  /** True when this set is a subset of `other`. */
  leq(other: GSet<T>): boolean {
    return keysSubset(this.elements, other.elements);
  }

  /** The canonical encoding: the G-Set tag, a count, the elements in key order. */
  encode(): Uint8Array {
    const enc = new Encoder();
    enc.writeU8(StateTag.GSet);
    writeValues(enc, this.elements, this.codec);
    return enc.toBytes();
  }

  /**
   * Decode bytes written by {@link GSet.encode}.
   * @throws {DecodeError} for any malformed input, including repeated elements; nothing else.
   */
  static decode<T>(bytes: Uint8Array, codec: ValueCodec<T>): GSet<T> {
    return decodeWith(bytes, (dec) => {
      expectTag(dec, StateTag.GSet, 'G-Set');
      const set = new GSet(codec);
      readValues(dec, codec, set.elements);
      return set;
    });
  }
}
