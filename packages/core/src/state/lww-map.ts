/**
 * LWW-Map: a map from string keys to values, each key an independent last-writer-wins register
 * (deletes included), ordered by hybrid logical clock timestamps.
 */
import { assertReplicaId, type ReplicaId } from '../clock/dot.js';
import { HybridClock, type Timestamp } from '../clock/hlc.js';
import { decodeWith } from '../encoding/decoder.js';
import { Encoder } from '../encoding/encoder.js';
import { AccordError, DecodeError } from '../errors.js';
import { readReplicaTable, writeReplicaTable } from './dot-kernel.js';
import { keyOfDecoded } from './element-map.js';
import { compareWrites, type LWWOptions, minWall, readTimestamp, writeTimestamp } from './lww-order.js';
import { expectTag, type StateCrdt, StateTag } from './state-crdt.js';
import type { ValueCodec, ValueKey } from './value-codec.js';

/** The latest write of one key: a value, or a deletion (`key` undefined). */
interface Slot<V> {
  ts: Timestamp;
  value: V | undefined;
  /** The value's codec key; `undefined` marks a deletion. */
  key: ValueKey | undefined;
}

/**
 * A last-writer-wins map. Each key holds its latest write, a value or a deletion, stamped by the
 * replica's {@link HybridClock}; merge keeps, per key, the write with the greatest timestamp
 * (replica id as the final tie-break). Under concurrency: two replicas setting one key
 * concurrently converge on the write with the greater timestamp; a set and a concurrent delete
 * resolve the same way (**LWW removal**: the later of the two wins, not the add); different keys
 * never interfere. Merging feeds timestamps into the local clock, so a write made after seeing
 * another write wins over it even if the local wall clock runs behind.
 *
 * Deleted keys keep a small tombstone (key and timestamp) so the deletion can win against older
 * writes that arrive later; they are not reported by `value()`, `get`, `has` or `size`.
 */
export class LWWMap<V> implements StateCrdt<LWWMap<V>, Map<string, V>> {
  /** The replica that stamps local writes. */
  readonly replica: ReplicaId;
  /** How values are written, read and identified. */
  readonly codec: ValueCodec<V>;
  private readonly clock: HybridClock;
  private readonly now: () => number;
  private readonly slots = new Map<string, Slot<V>>();
  private live = 0;

  /**
   * An empty map for local replica `replica`, with values handled by `codec`.
   * @throws {AccordError} `invalid-argument` if `replica` is not a non-negative safe integer.
   */
  constructor(replica: ReplicaId, codec: ValueCodec<V>, options: LWWOptions = {}) {
    assertReplicaId(replica);
    this.replica = replica;
    this.codec = codec;
    this.now = options.now ?? Date.now;
    this.clock = new HybridClock(replica, this.now);
  }

  /**
   * Set `key` to `value` with a fresh timestamp.
   * @throws {AccordError} `invalid-argument` if `key` is not a string or the codec cannot encode
   * `value`; the map is unchanged.
   */
  set(key: string, value: V): void {
    if (typeof key !== 'string') throw new AccordError('invalid-argument', 'LWW-Map keys are strings');
    const vkey = this.codec.key(value);
    this.put(key, { ts: this.clock.tick(), value, key: vkey });
  }

  /**
   * Delete `key` with a fresh timestamp (a tombstone that wins over older writes). Returns true if
   * the key was present; deleting an absent key changes nothing.
   */
  delete(key: string): boolean {
    if (!this.has(key)) return false;
    this.put(key, { ts: this.clock.tick(), value: undefined, key: undefined });
    return true;
  }

  private put(key: string, slot: Slot<V>): void {
    const old = this.slots.get(key);
    if (old && old.key !== undefined) this.live--;
    if (slot.key !== undefined) this.live++;
    this.slots.set(key, slot);
  }

  /** The value of `key`, or `undefined` if absent or deleted. */
  get(key: string): V | undefined {
    return this.slots.get(key)?.value;
  }

  /** True when `key` holds a value. */
  has(key: string): boolean {
    const s = this.slots.get(key);
    return s !== undefined && s.key !== undefined;
  }

  /** Number of keys holding a value. */
  get size(): number {
    return this.live;
  }

  /** The keys holding a value, sorted. */
  keys(): string[] {
    const out: string[] = [];
    for (const [k, s] of this.slots) if (s.key !== undefined) out.push(k);
    return out.sort();
  }

  /** The timestamp of the latest write (value or deletion) of `key`, if any. */
  timestampOf(key: string): Timestamp | undefined {
    const s = this.slots.get(key);
    return s ? { ...s.ts } : undefined;
  }

  /** The present keys and values, as a new map in sorted key order. */
  value(): Map<string, V> {
    const out = new Map<string, V>();
    for (const k of this.keys()) out.set(k, (this.slots.get(k) as Slot<V>).value as V);
    return out;
  }

  /** Per key, keep the greater write, in place; the local clock observes `other`'s timestamps. */
  merge(other: LWWMap<V>): void {
    for (const [k, o] of other.slots) {
      this.clock.observe(o.ts);
      const s = this.slots.get(k);
      if (!s || compareWrites(o.ts, o.key, s.ts, s.key) > 0) this.put(k, o);
    }
  }

  /** An independent copy with the same replica id, wall clock and clock progress. */
  clone(): LWWMap<V> {
    const copy = new LWWMap(this.replica, this.codec, { now: this.now });
    copy.clock.observe(this.clock.peek());
    for (const [k, s] of this.slots) copy.slots.set(k, s);
    copy.live = this.live;
    return copy;
  }

  /** True when every key (deletions included) holds the same write. */
  equals(other: LWWMap<V>): boolean {
    if (this.slots.size !== other.slots.size) return false;
    for (const [k, s] of this.slots) {
      const o = other.slots.get(k);
      if (!o || compareWrites(s.ts, s.key, o.ts, o.key) !== 0) return false;
    }
    return true;
  }

  /** True when every key's write here is not greater than `other`'s. */
  leq(other: LWWMap<V>): boolean {
    for (const [k, s] of this.slots) {
      const o = other.slots.get(k);
      if (!o || compareWrites(s.ts, s.key, o.ts, o.key) > 0) return false;
    }
    return true;
  }

  /**
   * The canonical encoding: tag; the replica ids of all timestamps (a table, ascending,
   * delta-encoded); the smallest wall time; a count; then per key in sorted order: the key, the
   * timestamp (wall minus the smallest, logical, replica index), 0 for a deletion or 1 and the value.
   */
  encode(): Uint8Array {
    const enc = new Encoder();
    enc.writeU8(StateTag.LWWMap);
    const keys = [...this.slots.keys()].sort();
    const slots = keys.map((k) => this.slots.get(k) as Slot<V>);
    const index = writeReplicaTable(
      enc,
      slots.map((s) => ({ replica: s.ts.replica, counter: 1 })),
    );
    const base = minWall(slots.map((s) => s.ts));
    enc.writeVarUint(base);
    enc.writeVarUint(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const s = slots[i] as Slot<V>;
      enc.writeString(keys[i] as string);
      writeTimestamp(enc, s.ts, base, index);
      if (s.key === undefined) {
        enc.writeU8(0);
      } else {
        enc.writeU8(1);
        this.codec.write(enc, s.value as V);
      }
    }
    return enc.toBytes();
  }

  /**
   * Decode bytes written by {@link LWWMap.encode} into a map for local replica `replica`. Its
   * clock observes every decoded timestamp, so new writes order after them.
   * @throws {DecodeError} for any malformed input, including a repeated key; nothing else.
   * {@link AccordError} only for an invalid `replica`.
   */
  static decode<V>(
    bytes: Uint8Array,
    replica: ReplicaId,
    codec: ValueCodec<V>,
    options: LWWOptions = {},
  ): LWWMap<V> {
    assertReplicaId(replica);
    return decodeWith(bytes, (dec) => {
      expectTag(dec, StateTag.LWWMap, 'LWW-Map');
      const table = readReplicaTable(dec);
      const base = dec.readVarUint();
      const map = new LWWMap(replica, codec, options);
      const n = dec.readCount(5);
      for (let i = 0; i < n; i++) {
        const k = dec.readString();
        if (map.slots.has(k)) throw new DecodeError('invalid', 'repeated LWW-Map key');
        const ts = readTimestamp(dec, base, table);
        const flag = dec.readU8();
        if (flag === 0) {
          map.put(k, { ts, value: undefined, key: undefined });
        } else if (flag === 1) {
          const value = codec.read(dec);
          map.put(k, { ts, value, key: keyOfDecoded(codec, value) });
        } else {
          throw new DecodeError('bad-tag', `unknown LWW-Map flag ${flag}`);
        }
        map.clock.observe(ts);
      }
      return map;
    });
  }
}
