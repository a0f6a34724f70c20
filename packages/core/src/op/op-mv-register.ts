/**
 * Operation-based multi-value register: each write carries a vector clock; concurrent writes are
 * all kept.
 */
import { assertReplicaId, type ReplicaId } from '../clock/dot.js';
import { VectorClock } from '../clock/vector-clock.js';
import type { Decoder } from '../encoding/decoder.js';
import type { Encoder } from '../encoding/encoder.js';
import { AccordError, DecodeError } from '../errors.js';
import { compareValueKeys, type ValueCodec, type ValueKey } from '../state/value-codec.js';
import { keyOfDecoded, type OpCrdt, OpTag, readOpTag } from './op-crdt.js';

/** An {@link OpMVRegister} op: write `value`; `clock` is the writer's history including this write. */
export interface OpMVSet<T> {
  /** The writer's history including this write: the writes it covers are replaced. */
  clock: VectorClock;
  /** The value written. */
  value: T;
}

interface Write<T> {
  clock: VectorClock;
  value: T;
  key: ValueKey;
}

/**
 * An operation-based multi-value register. A write replaces every write its replica had seen
 * (their clocks are below its clock); writes that are concurrent (clocks incomparable) are **all
 * kept**, so `value()` holds exactly the values of the latest concurrent writes, and the next
 * write resolves them. Effects commute and are idempotent even outside causal delivery: the
 * register keeps the maximal writes by vector clock.
 */
export class OpMVRegister<T> implements OpCrdt<OpMVSet<T>, T[]> {
  /** The local replica: the entry its writes advance. */
  readonly replica: ReplicaId;
  /** How values are written, read and identified. */
  readonly codec: ValueCodec<T>;
  private writes: Write<T>[] = [];
  private seen = new VectorClock();
  private counter = 0;

  /** @throws {AccordError} `invalid-argument` if `replica` is not a non-negative safe integer. */
  constructor(replica: ReplicaId, codec: ValueCodec<T>) {
    assertReplicaId(replica);
    this.replica = replica;
    this.codec = codec;
  }

  /**
   * The op that writes `value`, overwriting every write effected here. Does not change the value
   * (call `effect`); each call reserves a new event of this replica.
   * @throws {AccordError} `invalid-argument` if the codec cannot encode `value`.
   */
  prepareSet(value: T): OpMVSet<T> {
    this.codec.key(value);
    this.counter = Math.max(this.counter, this.seen.get(this.replica)) + 1;
    const clock = this.seen.clone();
    clock.advance(this.replica, this.counter);
    return { clock, value };
  }

  /**
   * Keep the write unless an effected write already covers it; drop the writes it covers.
   * @throws {AccordError} `invalid-argument` for an empty clock or a value the codec refuses;
   * the register is then unchanged.
   */
  effect(op: OpMVSet<T>): void {
    const key = this.checkOp(op);
    this.seen.merge(op.clock);
    for (const w of this.writes) if (w.clock.dominates(op.clock)) return;
    this.writes = this.writes.filter((w) => !op.clock.dominates(w.clock));
    this.writes.push({ clock: op.clock.clone(), value: op.value, key });
  }

  /**
   * Check the op's clock and value; returns the value's key.
   * @throws {AccordError} `invalid-argument` for a missing or empty clock or a value the codec refuses.
   */
  checkOp(op: OpMVSet<T>): ValueKey {
    const key = this.codec.key(op.value);
    if (!(op.clock instanceof VectorClock) || op.clock.isEmpty) {
      throw new AccordError('invalid-argument', 'an MV-register write needs a non-empty vector clock');
    }
    return key;
  }

  /**
   * The values of the concurrent latest writes, without repeats, sorted by codec key (the same
   * array on every replica that effected the same writes). Empty before the first write.
   */
  value(): T[] {
    const byKey = new Map<ValueKey, T>();
    for (const w of this.writes) if (!byKey.has(w.key)) byKey.set(w.key, w.value);
    return [...byKey].sort((a, b) => compareValueKeys(a[0], b[0])).map(([, v]) => v);
  }

  /** Number of live (concurrent) writes. */
  get size(): number {
    return this.writes.length;
  }

  /** Tag, vector clock, value. */
  writeOp(enc: Encoder, op: OpMVSet<T>): void {
    enc.writeU8(OpTag.MVSet);
    op.clock.encode(enc);
    this.codec.write(enc, op.value);
  }

  /**
   * Snapshot: tag, the clock of every write seen, then the live writes (clock and value), sorted
   * by value key and clock bytes so equal states encode identically.
   */
  writeState(enc: Encoder): void {
    enc.writeU8(OpTag.MVState);
    this.seen.encode(enc);
    const sorted = this.writes
      .map((w) => ({ w, clockBytes: w.clock.toBytes() }))
      .sort((a, b) => compareValueKeys(a.w.key, b.w.key) || compareBytes(a.clockBytes, b.clockBytes));
    enc.writeVarUint(sorted.length);
    for (const { w, clockBytes } of sorted) {
      enc.writeRaw(clockBytes);
      this.codec.write(enc, w.value);
    }
  }

  /**
   * Decode a snapshot; counts are checked against the bytes left first.
   * @throws {DecodeError} for a wrong tag, malformed clocks or values, an empty write clock, or a
   * write not covered by the seen clock.
   */
  readState(dec: Decoder): () => void {
    readOpTag(dec, [OpTag.MVState], 'OpMVRegister state');
    const seen = VectorClock.decode(dec);
    const n = dec.readCount(4);
    const writes: Write<T>[] = [];
    for (let i = 0; i < n; i++) {
      const clock = VectorClock.decode(dec);
      if (clock.isEmpty) throw new DecodeError('invalid', 'MV-register write with an empty clock');
      if (!seen.dominates(clock)) throw new DecodeError('invalid', 'MV-register write beyond the seen clock');
      const value = this.codec.read(dec);
      writes.push({ clock, value, key: keyOfDecoded(() => this.codec.key(value)) });
    }
    return () => {
      this.writes = writes;
      this.seen = seen;
      this.counter = 0;
    };
  }

  /** @throws {DecodeError} for a wrong tag, an empty or malformed clock, a malformed value or truncated input. */
  readOp(dec: Decoder): OpMVSet<T> {
    readOpTag(dec, [OpTag.MVSet], 'OpMVRegister');
    const clock = VectorClock.decode(dec);
    if (clock.isEmpty) throw new DecodeError('invalid', 'MV-register write with an empty clock');
    const value = this.codec.read(dec);
    return { clock, value };
  }
}

/** Lexicographic order on byte arrays. */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
}
