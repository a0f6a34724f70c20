/**
 * MV-Register: a multi-value register that keeps every concurrently written value.
 */
import { CausalContext } from '../clock/causal-context.js';
import { assertReplicaId, compareDots, type Dot, dotKey, type ReplicaId } from '../clock/dot.js';
import { decodeWith } from '../encoding/decoder.js';
import { Encoder } from '../encoding/encoder.js';
import { DecodeError } from '../errors.js';
import { collisionError, DotIndex, joinDots, readReplicaTable, writeReplicaTable } from './dot-kernel.js';
import { keyOfDecoded } from './element-map.js';
import { expectTag, type StateCrdt, StateTag } from './state-crdt.js';
import { compareValueKeys, type ValueCodec, type ValueKey } from './value-codec.js';

interface Write<T> {
  dot: Dot;
  value: T;
  key: ValueKey;
}

/**
 * A multi-value register. A write replaces every value the replica has seen; writes that are
 * concurrent (neither saw the other) are **all kept**, so after merging, `value()` holds exactly
 * the values of the concurrent latest writes, and the application (or the next write, which
 * overwrites them all) resolves the conflict. Built on dots and a compact causal context: no
 * vector clock per value and no tombstones.
 */
export class MVRegister<T> implements StateCrdt<MVRegister<T>, T[]> {
  /** The replica whose dots local writes use. */
  readonly replica: ReplicaId;
  /** How values are written, read and identified. */
  readonly codec: ValueCodec<T>;
  /** The live writes, sorted by dot. */
  private writes: Write<T>[] = [];
  private readonly ctx = new CausalContext();

  /**
   * An empty register (`value()` is `[]`) for local replica `replica`, with values handled by `codec`.
   * @throws {AccordError} `invalid-argument` if `replica` is not a non-negative safe integer.
   */
  constructor(replica: ReplicaId, codec: ValueCodec<T>) {
    assertReplicaId(replica);
    this.replica = replica;
    this.codec = codec;
  }

  /**
   * Write `value`, replacing every value seen here. Concurrent writes elsewhere survive alongside it.
   * @throws {AccordError} `invalid-argument` if the codec cannot encode `value`; the register is unchanged.
   */
  set(value: T): void {
    const key = this.codec.key(value);
    const dot = this.ctx.next(this.replica);
    this.writes = [{ dot, value, key }];
  }

  /**
   * The values of the concurrent latest writes, without repeats (two concurrent writes of one
   * value show once), sorted by codec key: the same array on every replica with the same state.
   * Empty before the first write.
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

  /** A copy of the causal context: every write this replica has seen. */
  context(): CausalContext {
    return this.ctx.clone();
  }

  /**
   * Merge `other` in place: a write survives if both sides hold it, or one side holds it and the
   * other has not seen it (writes one side has seen and overwritten are gone).
   * @throws {AccordError} `replica-collision` if one dot names writes of two different values
   * (two sessions share a replica id); this register is then unchanged.
   */
  merge(other: MVRegister<T>): void {
    const byDot = new Map<string, Write<T>>();
    for (const w of this.writes) byDot.set(dotKey(w.dot), w);
    for (const w of other.writes) {
      const mine = byDot.get(dotKey(w.dot));
      if (!mine) byDot.set(dotKey(w.dot), w);
      else if (compareValueKeys(mine.key, w.key) !== 0) throw collisionError(w.dot);
    }
    const dots = joinDots(
      this.writes.map((w) => w.dot),
      this.ctx,
      other.writes.map((w) => w.dot),
      other.ctx,
    );
    this.writes = dots.map((d) => byDot.get(dotKey(d)) as Write<T>);
    this.ctx.merge(other.ctx);
  }

  /** An independent copy with the same replica id. */
  clone(): MVRegister<T> {
    const copy = new MVRegister(this.replica, this.codec);
    copy.writes = [...this.writes];
    copy.ctx.merge(this.ctx);
    return copy;
  }

  /** True when both hold the same writes and the same causal context. */
  equals(other: MVRegister<T>): boolean {
    if (this.writes.length !== other.writes.length || !this.ctx.equals(other.ctx)) return false;
    for (let i = 0; i < this.writes.length; i++) {
      const a = this.writes[i] as Write<T>;
      const b = other.writes[i] as Write<T>;
      if (compareDots(a.dot, b.dot) !== 0 || compareValueKeys(a.key, b.key) !== 0) return false;
    }
    return true;
  }

  /** True when `other` has seen every write this state has and holds none this state dropped. */
  leq(other: MVRegister<T>): boolean {
    if (!other.ctx.includesAll(this.ctx)) return false;
    const mine = new Set(this.writes.map((w) => dotKey(w.dot)));
    for (const w of other.writes) {
      if (this.ctx.includes(w.dot) && !mine.has(dotKey(w.dot))) return false;
    }
    return true;
  }

  /**
   * The canonical encoding: tag, the replica table of the live writes, the writes sorted by dot
   * (replica index, counter, value), then the causal context.
   */
  encode(): Uint8Array {
    const enc = new Encoder();
    enc.writeU8(StateTag.MVRegister);
    const index = writeReplicaTable(
      enc,
      this.writes.map((w) => w.dot),
    );
    enc.writeVarUint(this.writes.length);
    for (const w of this.writes) {
      enc.writeVarUint(index.get(w.dot.replica) as number);
      enc.writeVarUint(w.dot.counter);
      this.codec.write(enc, w.value);
    }
    this.ctx.encode(enc);
    return enc.toBytes();
  }

  /**
   * Decode bytes written by {@link MVRegister.encode} into a register for local replica `replica`.
   * @throws {DecodeError} for any malformed input (truncated, repeated dots, a dot outside the
   * causal context, ...); nothing else. {@link AccordError} only for an invalid `replica`.
   */
  static decode<T>(bytes: Uint8Array, replica: ReplicaId, codec: ValueCodec<T>): MVRegister<T> {
    assertReplicaId(replica);
    return decodeWith(bytes, (dec) => {
      expectTag(dec, StateTag.MVRegister, 'MV-Register');
      const table = readReplicaTable(dec);
      const reg = new MVRegister(replica, codec);
      const n = dec.readCount(3);
      const seen = new DotIndex();
      const writes: Write<T>[] = [];
      for (let i = 0; i < n; i++) {
        const r = table[dec.readVarUint()];
        if (r === undefined) throw new DecodeError('invalid', 'dot replica index out of range');
        const counter = dec.readVarUint();
        if (counter < 1) throw new DecodeError('invalid', 'dot counter must be >= 1');
        const dot = { replica: r, counter };
        seen.addNew(dot);
        const value = codec.read(dec);
        writes.push({ dot, value, key: keyOfDecoded(codec, value) });
      }
      reg.ctx.merge(CausalContext.decode(dec));
      for (const w of writes) {
        if (!reg.ctx.includes(w.dot)) throw new DecodeError('invalid', 'dot outside the causal context');
      }
      reg.writes = writes.sort((a, b) => compareDots(a.dot, b.dot));
      return reg;
    });
  }
}
