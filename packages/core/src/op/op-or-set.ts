/**
 * Operation-based OR-Set (add-wins): adds carry a fresh dot, removes carry the dots they observed.
 */
import { CausalContext } from '../clock/causal-context.js';
import {
  assertReplicaId,
  compareDots,
  type Dot,
  decodeDot,
  dotKey,
  encodeDot,
  type ReplicaId,
} from '../clock/dot.js';
import type { Decoder } from '../encoding/decoder.js';
import type { Encoder } from '../encoding/encoder.js';
import { AccordError, DecodeError } from '../errors.js';
import { compareValueKeys, type ValueCodec, type ValueKey } from '../state/value-codec.js';
import { keyOfDecoded, type OpCrdt, OpTag, readOpTag } from './op-crdt.js';

/** Add `value`, tagged with the fresh event `dot`. */
export interface OpORSetAdd<T> {
  /** Discriminant. */
  kind: 'add';
  /** The element added. */
  value: T;
  /** The fresh event naming this add. */
  dot: Dot;
}

/** Remove `value`: cancel exactly the add events `dots` the remover had observed. */
export interface OpORSetRemove<T> {
  /** Discriminant. */
  kind: 'remove';
  /** The element removed. */
  value: T;
  /** The add events of `value` observed by the remover: exactly those are cancelled. */
  dots: Dot[];
}

/** An {@link OpORSet} op. */
export type OpORSetOp<T> = OpORSetAdd<T> | OpORSetRemove<T>;

interface Entry<T> {
  value: T;
  dots: Dot[];
}

/**
 * An operation-based observed-remove set with **add-wins** semantics. Each add is a new event
 * (a dot); a remove cancels only the adds its replica had observed, so an add concurrent with a
 * remove survives it. Values are identified by their codec key.
 *
 * Effects are idempotent and commute even outside causal delivery: the set remembers every dot it
 * has seen added or removed (a compact {@link CausalContext}), so a duplicate add, or an add that
 * arrives after the remove that cancelled it, changes nothing.
 */
export class OpORSet<T> implements OpCrdt<OpORSetOp<T>, T[]> {
  /** The local replica: the origin of the dots of local adds. */
  readonly replica: ReplicaId;
  /** How elements are written, read and identified. */
  readonly codec: ValueCodec<T>;
  private readonly entries = new Map<ValueKey, Entry<T>>();
  private seen = new CausalContext();
  private counter = 0;

  /** @throws {AccordError} `invalid-argument` if `replica` is not a non-negative safe integer. */
  constructor(replica: ReplicaId, codec: ValueCodec<T>) {
    assertReplicaId(replica);
    this.replica = replica;
    this.codec = codec;
  }

  /**
   * The op that adds `value` with a fresh dot. Does not change the set (call `effect`), but each
   * call reserves a new dot.
   * @throws {AccordError} `invalid-argument` if the codec cannot encode `value`.
   */
  prepareAdd(value: T): OpORSetAdd<T> {
    this.codec.key(value);
    this.counter = Math.max(this.counter, this.seen.max(this.replica)) + 1;
    return { kind: 'add', value, dot: { replica: this.replica, counter: this.counter } };
  }

  /**
   * The op that removes `value`: it carries every dot of `value` observed here (none if absent,
   * making it a no-op). Adds of `value` concurrent with this remove survive it.
   * @throws {AccordError} `invalid-argument` if the codec cannot encode `value`.
   */
  prepareRemove(value: T): OpORSetRemove<T> {
    const e = this.entries.get(this.codec.key(value));
    return { kind: 'remove', value, dots: e ? [...e.dots] : [] };
  }

  /**
   * Apply an add (unless its dot was already seen) or a remove (drop the listed dots of the value
   * and remember them as seen).
   * @throws {AccordError} `invalid-argument` for an op with an invalid dot or a value the codec
   * refuses; the set is then unchanged.
   */
  effect(op: OpORSetOp<T>): void {
    const key = this.checkOp(op);
    if (op.kind === 'add') {
      if (this.seen.includes(op.dot)) return;
      this.seen.add(op.dot);
      const e = this.entries.get(key);
      if (e) e.dots.push(op.dot);
      else this.entries.set(key, { value: op.value, dots: [op.dot] });
      return;
    }
    for (const d of op.dots) this.seen.add(d);
    const e = this.entries.get(key);
    if (!e) return;
    if (op.dots.length <= 8) {
      e.dots = e.dots.filter((d) => !op.dots.some((r) => r.replica === d.replica && r.counter === d.counter));
    } else {
      const gone = new Set(op.dots.map(dotKey));
      e.dots = e.dots.filter((d) => !gone.has(dotKey(d)));
    }
    if (e.dots.length === 0) this.entries.delete(key);
  }

  /**
   * Check the op's value and dots; returns the value's key.
   * @throws {AccordError} `invalid-argument` for an unknown kind, invalid dots or a value the codec refuses.
   */
  checkOp(op: OpORSetOp<T>): ValueKey {
    const key = this.codec.key(op.value);
    if (op.kind === 'add') checkDot(op.dot);
    else if (op.kind === 'remove' && Array.isArray(op.dots)) for (const d of op.dots) checkDot(d);
    else throw new AccordError('invalid-argument', 'unknown OR-Set op');
    return key;
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
    return [...this.entries].sort((a, b) => compareValueKeys(a[0], b[0])).map(([, e]) => e.value);
  }

  /** The live add dots of `value`, sorted (empty when absent). */
  dotsOf(value: T): Dot[] {
    return [...(this.entries.get(this.codec.key(value))?.dots ?? [])].sort(compareDots);
  }

  /** Add: tag, value, dot. Remove: tag, value, dot count, dots. */
  writeOp(enc: Encoder, op: OpORSetOp<T>): void {
    if (op.kind === 'add') {
      enc.writeU8(OpTag.ORSetAdd);
      this.codec.write(enc, op.value);
      encodeDot(enc, op.dot);
      return;
    }
    enc.writeU8(OpTag.ORSetRemove);
    this.codec.write(enc, op.value);
    enc.writeVarUint(op.dots.length);
    for (const d of op.dots) encodeDot(enc, d);
  }

  /**
   * Snapshot: tag, the causal context of every dot seen, then the present elements sorted by key,
   * each with its live dots (ascending).
   */
  writeState(enc: Encoder): void {
    enc.writeU8(OpTag.ORSetState);
    this.seen.encode(enc);
    const entries = [...this.entries].sort((a, b) => compareValueKeys(a[0], b[0]));
    enc.writeVarUint(entries.length);
    for (const [, e] of entries) {
      this.codec.write(enc, e.value);
      const dots = [...e.dots].sort(compareDots);
      enc.writeVarUint(dots.length);
      for (const d of dots) encodeDot(enc, d);
    }
  }

  /**
   * Decode a snapshot; every count is checked against the bytes left first.
   * @throws {DecodeError} for a wrong tag, malformed values or dots, repeated elements, dots not
   * ascending or outside the causal context.
   */
  readState(dec: Decoder): () => void {
    readOpTag(dec, [OpTag.ORSetState], 'OpORSet state');
    const seen = CausalContext.decode(dec);
    const n = dec.readCount(3);
    const entries = new Map<ValueKey, Entry<T>>();
    for (let i = 0; i < n; i++) {
      const value = this.codec.read(dec);
      const key = keyOfDecoded(() => this.codec.key(value));
      if (entries.has(key)) throw new DecodeError('invalid', 'OR-Set element repeated');
      entries.set(key, { value, dots: readEntryDots(dec, seen) });
    }
    return () => {
      this.entries.clear();
      for (const [k, e] of entries) this.entries.set(k, e);
      this.seen = seen;
      this.counter = 0;
    };
  }

  /**
   * Read an op; the dot count is checked against the bytes left before anything is allocated.
   * @throws {DecodeError} for a wrong tag, malformed value or dots, or truncated input.
   */
  readOp(dec: Decoder): OpORSetOp<T> {
    const tag = readOpTag(dec, [OpTag.ORSetAdd, OpTag.ORSetRemove], 'OpORSet');
    const value = this.codec.read(dec);
    if (tag === OpTag.ORSetAdd) return { kind: 'add', value, dot: decodeDot(dec) };
    const n = dec.readCount(2);
    const dots: Dot[] = [];
    for (let i = 0; i < n; i++) dots.push(decodeDot(dec));
    return { kind: 'remove', value, dots };
  }
}

/** Read one entry's dots: a non-empty list, strictly ascending, all covered by `seen`. */
function readEntryDots(dec: Decoder, seen: CausalContext): Dot[] {
  const n = dec.readCount(2);
  if (n === 0) throw new DecodeError('invalid', 'OR-Set entry without dots');
  const dots: Dot[] = [];
  for (let i = 0; i < n; i++) {
    const d = decodeDot(dec);
    const prev = dots[i - 1];
    if (prev && compareDots(prev, d) >= 0)
      throw new DecodeError('invalid', 'OR-Set entry dots not ascending');
    if (!seen.includes(d)) throw new DecodeError('invalid', 'OR-Set entry dot outside its causal context');
    dots.push(d);
  }
  return dots;
}

function checkDot(d: Dot): void {
  assertReplicaId(d.replica);
  if (!Number.isSafeInteger(d.counter) || d.counter < 1) {
    throw new AccordError('invalid-argument', `dot counter must be a safe integer >= 1, got ${d.counter}`);
  }
}
