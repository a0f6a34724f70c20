/**
 * Operation-based last-writer-wins register ordered by hybrid logical clock timestamps.
 */
import { assertReplicaId, type ReplicaId } from '../clock/dot.js';
import { decodeTimestamp, encodeTimestamp, HybridClock, type Timestamp } from '../clock/hlc.js';
import type { Decoder } from '../encoding/decoder.js';
import type { Encoder } from '../encoding/encoder.js';
import { AccordError, DecodeError } from '../errors.js';
import { compareWrites, type LWWOptions } from '../state/lww-order.js';
import type { ValueCodec, ValueKey } from '../state/value-codec.js';
import { keyOfDecoded, type OpCrdt, OpTag, readOpTag } from './op-crdt.js';

/** An {@link OpLWWRegister} op: write `value` at timestamp `ts`. */
export interface OpLWWSet<T> {
  /** The write's hybrid logical clock timestamp: the greatest wins. */
  ts: Timestamp;
  /** The value written. */
  value: T;
}

interface Stamped<T> {
  ts: Timestamp;
  value: T;
  key: ValueKey;
}

/**
 * An operation-based last-writer-wins register. Each write carries a {@link HybridClock}
 * timestamp; effecting keeps the write with the greatest timestamp (wall, logical, then replica
 * id), so concurrent writes resolve identically everywhere, in any delivery order, and duplicates
 * change nothing.
 *
 * Every effected op's timestamp is fed into the local clock, so a write prepared after seeing
 * another always orders after it, even when this replica's wall clock runs behind or jumps back.
 * `value()` is `undefined` before the first write.
 */
export class OpLWWRegister<T> implements OpCrdt<OpLWWSet<T>, T | undefined> {
  /** The replica that stamps local writes. */
  readonly replica: ReplicaId;
  /** How values are written, read and identified. */
  readonly codec: ValueCodec<T>;
  private readonly clock: HybridClock;
  private current: Stamped<T> | undefined;

  /**
   * @param options `now`: the wall clock feeding the HLC (default `Date.now`).
   * @throws {AccordError} `invalid-argument` if `replica` is not a non-negative safe integer.
   */
  constructor(replica: ReplicaId, codec: ValueCodec<T>, options: LWWOptions = {}) {
    assertReplicaId(replica);
    this.replica = replica;
    this.codec = codec;
    this.clock = new HybridClock(replica, options.now ?? Date.now);
  }

  /**
   * The op that writes `value` with a fresh timestamp, greater than every timestamp issued or
   * effected here. Does not change the value (call `effect`).
   * @throws {AccordError} `invalid-argument` if the codec cannot encode `value`.
   */
  prepareSet(value: T): OpLWWSet<T> {
    this.codec.key(value);
    return { ts: this.clock.tick(), value };
  }

  /**
   * Observe the op's timestamp, and keep its value if it is greater than the current write's.
   * @throws {AccordError} `invalid-argument` for a malformed timestamp or a value the codec
   * refuses; the register is then unchanged.
   */
  effect(op: OpLWWSet<T>): void {
    const key = this.checkOp(op);
    this.clock.observe(op.ts);
    const c = this.current;
    if (!c || compareWrites(op.ts, key, c.ts, c.key) > 0)
      this.current = { ts: { ...op.ts }, value: op.value, key };
  }

  /**
   * Check the op's timestamp and value; returns the value's key.
   * @throws {AccordError} `invalid-argument` for a malformed timestamp or a value the codec refuses.
   */
  checkOp(op: OpLWWSet<T>): ValueKey {
    const key = this.codec.key(op.value);
    const { wall, logical, replica } = op.ts;
    assertReplicaId(replica);
    if (!Number.isSafeInteger(wall) || wall < 0 || !Number.isSafeInteger(logical) || logical < 0) {
      throw new AccordError(
        'invalid-argument',
        'timestamp wall and logical must be non-negative safe integers',
      );
    }
    return key;
  }

  /** The winning value, or `undefined` before any write. */
  value(): T | undefined {
    return this.current?.value;
  }

  /** The timestamp of the winning write, or `undefined` before any write. */
  get timestamp(): Timestamp | undefined {
    return this.current ? { ...this.current.ts } : undefined;
  }

  /** Tag, timestamp (wall, logical, replica), value. */
  writeOp(enc: Encoder, op: OpLWWSet<T>): void {
    enc.writeU8(OpTag.LWWSet);
    encodeTimestamp(enc, op.ts);
    this.codec.write(enc, op.value);
  }

  /**
   * Snapshot: tag, the clock's progress (wall, logical), then 0 when empty or 1, the winning
   * write's timestamp and value.
   */
  writeState(enc: Encoder): void {
    enc.writeU8(OpTag.LWWState);
    const now = this.clock.peek();
    enc.writeVarUint(now.wall);
    enc.writeVarUint(now.logical);
    const c = this.current;
    if (!c) {
      enc.writeU8(0);
      return;
    }
    enc.writeU8(1);
    encodeTimestamp(enc, c.ts);
    this.codec.write(enc, c.value);
  }

  /**
   * Decode a snapshot. Installing it replaces the winning write and moves the clock forward to
   * the snapshot's progress (a clock never moves back).
   * @throws {DecodeError} for a wrong tag, a malformed timestamp or value, or truncated input.
   */
  readState(dec: Decoder): () => void {
    readOpTag(dec, [OpTag.LWWState], 'OpLWWRegister state');
    const progress: Timestamp = {
      wall: dec.readVarUint(),
      logical: dec.readVarUint(),
      replica: this.replica,
    };
    const flag = dec.readU8();
    let current: Stamped<T> | undefined;
    if (flag === 1) {
      const ts = decodeTimestamp(dec);
      const value = this.codec.read(dec);
      current = { ts, value, key: keyOfDecoded(() => this.codec.key(value)) };
    } else if (flag !== 0) {
      throw new DecodeError('bad-tag', `OpLWWRegister state flag ${flag}`);
    }
    return () => {
      this.clock.observe(progress);
      if (current) this.clock.observe(current.ts);
      this.current = current;
    };
  }

  /** @throws {DecodeError} for a wrong tag, a malformed timestamp or value, or truncated input. */
  readOp(dec: Decoder): OpLWWSet<T> {
    readOpTag(dec, [OpTag.LWWSet], 'OpLWWRegister');
    const ts = decodeTimestamp(dec);
    const value = this.codec.read(dec);
    return { ts, value };
  }
}
