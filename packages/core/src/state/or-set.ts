/**
 * OR-Set: an observed-remove, add-wins set without tombstones (dots and a compact causal context).
 */
import { CausalContext } from '../clock/causal-context.js';
import { assertReplicaId, compareDots, type Dot, type ReplicaId } from '../clock/dot.js';
import { decodeWith } from '../encoding/decoder.js';
import { Encoder } from '../encoding/encoder.js';
import { DecodeError } from '../errors.js';
import {
  collisionError,
  DotIndex,
  dotOwners,
  hasDot,
  joinDots,
  readReplicaTable,
  sameDots,
  writeReplicaTable,
} from './dot-kernel.js';
import { keyOfDecoded, sortedEntries } from './element-map.js';
import { expectTag, type StateCrdt, StateTag } from './state-crdt.js';
import { compareValueKeys, type ValueCodec, type ValueKey } from './value-codec.js';

interface Entry<T> {
  value: T;
  /** The add events that keep this element present, sorted by replica then counter. */
  dots: Dot[];
}

/**
 * An add-wins observed-remove set. Each add is tagged with a fresh dot; a remove drops the dots
 * of the element that the replica has observed. Under concurrency, **add wins**: if one replica
 * removes an element while another concurrently adds it (again), the element is present after
 * merge, because the remove never saw the new add's dot. A remove only cancels the adds it saw.
 *
 * There are no tombstones: removed elements leave nothing behind but the dots in the causal
 * context, which stays compact (a version vector, as each replica's dots are contiguous), so
 * add/remove cycles do not grow the state.
 */
export class ORSet<T> implements StateCrdt<ORSet<T>, T[]> {
  /** The replica whose dots local adds use. */
  readonly replica: ReplicaId;
  /** How elements are written, read and identified. */
  readonly codec: ValueCodec<T>;
  private readonly entries = new Map<ValueKey, Entry<T>>();
  private readonly ctx = new CausalContext();

  /**
   * An empty set for local replica `replica`, with elements handled by `codec`.
   * @throws {AccordError} `invalid-argument` if `replica` is not a non-negative safe integer.
   */
  constructor(replica: ReplicaId, codec: ValueCodec<T>) {
    assertReplicaId(replica);
    this.replica = replica;
    this.codec = codec;
  }

  /**
   * Add `value` with a fresh dot (it replaces the dots this replica has seen for it). Always
   * records an event, even if the value is present, so it survives concurrent removes.
   * @throws {AccordError} `invalid-argument` if the codec cannot encode `value`; the set is unchanged.
   */
  add(value: T): void {
    const k = this.codec.key(value);
    const dot = this.ctx.next(this.replica);
    this.entries.set(k, { value, dots: [dot] });
  }

  /**
   * Remove `value`: drop every dot of it seen here. Adds concurrent to this remove survive.
   * Returns true if the value was present.
   * @throws {AccordError} `invalid-argument` if the codec cannot encode `value`.
   */
  remove(value: T): boolean {
    return this.entries.delete(this.codec.key(value));
  }

  /** True when `value` is present. */
  has(value: T): boolean {
    return this.entries.has(this.codec.key(value));
  }

  /** Number of present elements. */
  get size(): number {
    return this.entries.size;
  }

  /** The present elements, sorted by codec key (the same order on every replica). */
  value(): T[] {
    return sortedEntries(this.entries).map(([, e]) => e.value);
  }

  /** A copy of the causal context: every add event this replica has seen. */
  context(): CausalContext {
    return this.ctx.clone();
  }

  /**
   * Merge `other` in place: an element's dot survives if both sides hold it, or one side holds
   * it and the other has not seen it; then the contexts are united.
   * @throws {AccordError} `replica-collision` if one dot names adds of two different elements
   * (two sessions share a replica id); this set is then unchanged.
   */
  merge(other: ORSet<T>): void {
    const updates: Array<[ValueKey, Dot[]]> = [];
    const dropped: Array<[ValueKey, Dot]> = [];
    for (const [k, e] of this.entries) {
      const o = other.entries.get(k);
      // Fast paths without allocation: both hold the same dots, or other has not seen ours.
      if (o ? sameDots(e.dots, o.dots) : !e.dots.some((d) => other.ctx.includes(d))) continue;
      const dots = joinDots(e.dots, this.ctx, o ? o.dots : [], other.ctx);
      if (sameDots(dots, e.dots)) continue;
      updates.push([k, dots]);
      for (const d of e.dots) if (!hasDot(dots, d)) dropped.push([k, d]);
    }
    // A dot of ours that the merge drops may be held by `other` under another element: a collision.
    if (dropped.length > 0) {
      const owners = dotOwners([...other.entries].map(([k, e]) => [k, e.dots] as const));
      for (const [k, d] of dropped) {
        const owner = owners.get(d.replica)?.get(d.counter);
        if (owner !== undefined && compareValueKeys(owner, k) !== 0) throw collisionError(d);
      }
    }
    for (const [k, dots] of updates) {
      if (dots.length === 0) this.entries.delete(k);
      else (this.entries.get(k) as Entry<T>).dots = dots;
    }
    for (const [k, o] of other.entries) {
      if (this.entries.has(k)) continue;
      const dots = o.dots.filter((d) => !this.ctx.includes(d));
      if (dots.length > 0) this.entries.set(k, { value: o.value, dots });
    }
    this.ctx.merge(other.ctx);
  }

  /** An independent copy with the same replica id. */
  clone(): ORSet<T> {
    const copy = new ORSet(this.replica, this.codec);
    for (const [k, e] of this.entries) copy.entries.set(k, { value: e.value, dots: [...e.dots] });
    copy.ctx.merge(this.ctx);
    return copy;
  }

  /** True when both have the same elements with the same dots and the same causal context. */
  equals(other: ORSet<T>): boolean {
    if (this.entries.size !== other.entries.size || !this.ctx.equals(other.ctx)) return false;
    for (const [k, e] of this.entries) {
      const o = other.entries.get(k);
      if (!o || !sameDots(e.dots, o.dots)) return false;
    }
    return true;
  }

  /**
   * True when `other` has seen everything this state has, and holds no dot that this state has
   * seen and dropped (i.e. merging this into `other` changes nothing).
   */
  leq(other: ORSet<T>): boolean {
    if (!other.ctx.includesAll(this.ctx)) return false;
    for (const [k, o] of other.entries) {
      const mine = this.entries.get(k);
      for (const d of o.dots) {
        if (this.ctx.includes(d) && !(mine && hasDot(mine.dots, d))) return false;
      }
    }
    return true;
  }

  /**
   * The canonical encoding: tag; the replica ids of all element dots (count, ascending,
   * delta-encoded); the elements in key order, each as value, dot count and dots (replica as an
   * index into that table, counter); then the causal context.
   */
  encode(): Uint8Array {
    const entries = sortedEntries(this.entries);
    const enc = new Encoder();
    enc.writeU8(StateTag.ORSet);
    const replicas = writeReplicaTable(
      enc,
      entries.flatMap(([, e]) => e.dots),
    );
    enc.writeVarUint(entries.length);
    for (const [, e] of entries) {
      this.codec.write(enc, e.value);
      enc.writeVarUint(e.dots.length);
      for (const d of e.dots) {
        enc.writeVarUint(replicas.get(d.replica) as number);
        enc.writeVarUint(d.counter);
      }
    }
    this.ctx.encode(enc);
    return enc.toBytes();
  }

  /**
   * Decode bytes written by {@link ORSet.encode} into a set for local replica `replica`.
   * @throws {DecodeError} for any malformed input (truncated, repeated elements or dots, a dot
   * outside the causal context, ...); nothing else. {@link AccordError} only for an invalid `replica`.
   */
  static decode<T>(bytes: Uint8Array, replica: ReplicaId, codec: ValueCodec<T>): ORSet<T> {
    assertReplicaId(replica);
    return decodeWith(bytes, (dec) => {
      expectTag(dec, StateTag.ORSet, 'OR-Set');
      const table = readReplicaTable(dec);
      const set = new ORSet(replica, codec);
      const n = dec.readCount(3);
      const seen = new DotIndex();
      for (let i = 0; i < n; i++) {
        const value = codec.read(dec);
        const k = keyOfDecoded(codec, value);
        if (set.entries.has(k)) throw new DecodeError('invalid', 'repeated OR-Set element');
        const nDots = dec.readCount(2);
        if (nDots === 0) throw new DecodeError('invalid', 'OR-Set element without dots');
        const dots: Dot[] = [];
        for (let j = 0; j < nDots; j++) {
          const idx = dec.readVarUint();
          const r = table[idx];
          if (r === undefined) throw new DecodeError('invalid', 'dot replica index out of range');
          const counter = dec.readVarUint();
          if (counter < 1) throw new DecodeError('invalid', 'dot counter must be >= 1');
          const d = { replica: r, counter };
          seen.addNew(d);
          dots.push(d);
        }
        set.entries.set(k, { value, dots: dots.sort(compareDots) });
      }
      set.ctx.merge(CausalContext.decode(dec));
      for (const e of set.entries.values()) {
        for (const d of e.dots) {
          if (!set.ctx.includes(d)) throw new DecodeError('invalid', 'dot outside the causal context');
        }
      }
      return set;
    });
  }
}
