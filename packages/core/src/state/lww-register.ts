/**
 * LWW-Register: a last-writer-wins register ordered by hybrid logical clock timestamps.
 */
import { assertReplicaId, type ReplicaId } from '../clock/dot.js';
import { decodeTimestamp, encodeTimestamp, HybridClock, type Timestamp } from '../clock/hlc.js';
import { decodeWith } from '../encoding/decoder.js';
import { Encoder } from '../encoding/encoder.js';
import { DecodeError } from '../errors.js';
import { keyOfDecoded } from './element-map.js';
import { compareWrites, type LWWOptions } from './lww-order.js';
import { expectTag, type StateCrdt, StateTag } from './state-crdt.js';
import type { ValueCodec, ValueKey } from './value-codec.js';

interface Stamped<T> {
  ts: Timestamp;
  value: T;
  key: ValueKey;
}

/**
 * A last-writer-wins register. Every write is stamped by the replica's {@link HybridClock};
 * merge keeps the write with the greatest timestamp (wall, logical, then replica id as the
 * tie-break), so concurrent writes resolve the same way on every replica and exactly one survives.
 *
 * Merging also feeds the other side's timestamp into the local clock, so a write made after
 * seeing another write always wins over it, even when the writer's wall clock runs behind: a
 * skewed clock can lose a race against a truly concurrent write, but cannot make a later write
 * disappear. `value()` is `undefined` until the first write.
 */
export class LWWRegister<T> implements StateCrdt<LWWRegister<T>, T | undefined> {
  /** The replica that stamps local writes. */
  readonly replica: ReplicaId;
  /** How values are written, read and identified. */
  readonly codec: ValueCodec<T>;
  private readonly clock: HybridClock;
  private readonly now: () => number;
  private current: Stamped<T> | undefined;

  /**
   * An empty register for local replica `replica`, with values handled by `codec`.
   * @throws {AccordError} `invalid-argument` if `replica` is not a non-negative safe integer.
   */
  constructor(replica: ReplicaId, codec: ValueCodec<T>, options: LWWOptions = {}) {
    assertReplicaId(replica);
    this.replica = replica;
    this.codec = codec;
    this.now = options.now ?? Date.now;
    this.clock = new HybridClock(replica, this.now);
  }

  /**
   * Write `value` with a fresh timestamp, greater than every timestamp seen here.
   * @throws {AccordError} `invalid-argument` if the codec cannot encode `value`; the register is unchanged.
   */
  set(value: T): void {
    const key = this.codec.key(value);
    this.current = { ts: this.clock.tick(), value, key };
  }

  /** The winning value, or `undefined` before any write. */
  value(): T | undefined {
    return this.current?.value;
  }

  /** The timestamp of the winning write, or `undefined` before any write. */
  get timestamp(): Timestamp | undefined {
    return this.current ? { ...this.current.ts } : undefined;
  }

  /** Keep the write with the greater timestamp, in place; the local clock observes `other`'s. */
  merge(other: LWWRegister<T>): void {
    const o = other.current;
    if (!o) return;
    this.clock.observe(o.ts);
    const c = this.current;
    if (!c || compareWrites(o.ts, o.key, c.ts, c.key) > 0) this.current = o;
  }

  /** An independent copy with the same replica id, wall clock and clock progress. */
  clone(): LWWRegister<T> {
    const copy = new LWWRegister(this.replica, this.codec, { now: this.now });
    copy.clock.observe(this.clock.peek());
    copy.current = this.current;
    return copy;
  }

  /** True when both hold the same write (same timestamp and value), or both are empty. */
  equals(other: LWWRegister<T>): boolean {
    const a = this.current;
    const b = other.current;
    if (!a || !b) return a === b;
    return compareWrites(a.ts, a.key, b.ts, b.key) === 0;
  }

  /** True when this write is not greater than `other`'s (an empty register is the least). */
  leq(other: LWWRegister<T>): boolean {
    const a = this.current;
    const b = other.current;
    if (!a) return true;
    if (!b) return false;
    return compareWrites(a.ts, a.key, b.ts, b.key) <= 0;
  }

  /** The canonical encoding: tag, 0 when empty, or 1, the timestamp and the value. */
  encode(): Uint8Array {
    const enc = new Encoder();
    enc.writeU8(StateTag.LWWRegister);
    const c = this.current;
    if (!c) {
      enc.writeU8(0);
    } else {
      enc.writeU8(1);
      encodeTimestamp(enc, c.ts);
      this.codec.write(enc, c.value);
    }
    return enc.toBytes();
  }

  /**
   * Decode bytes written by {@link LWWRegister.encode} into a register for local replica
   * `replica`. Its clock observes the decoded timestamp, so new writes order after it.
   * @throws {DecodeError} for any malformed input; nothing else. {@link AccordError} only for an
   * invalid `replica`.
   */
  static decode<T>(
    bytes: Uint8Array,
    replica: ReplicaId,
    codec: ValueCodec<T>,
    options: LWWOptions = {},
  ): LWWRegister<T> {
    assertReplicaId(replica);
    return decodeWith(bytes, (dec) => {
      expectTag(dec, StateTag.LWWRegister, 'LWW-Register');
      const reg = new LWWRegister(replica, codec, options);
      const flag = dec.readU8();
      if (flag === 1) {
        const ts = decodeTimestamp(dec);
        const value = codec.read(dec);
        reg.current = { ts, value, key: keyOfDecoded(codec, value) };
        reg.clock.observe(ts);
      } else if (flag !== 0) {
        throw new DecodeError('bad-tag', `unknown LWW-Register flag ${flag}`);
      }
      return reg;
    });
  }
}
