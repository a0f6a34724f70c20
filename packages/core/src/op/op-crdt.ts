/**
 * What every operation-based (commutative, prepare/effect) CRDT in Accord offers, and the
 * one-byte tags that start their op encodings.
 */
import type { ReplicaId } from '../clock/dot.js';
import type { Decoder } from '../encoding/decoder.js';
import { decodeWith } from '../encoding/decoder.js';
import { Encoder } from '../encoding/encoder.js';
import { DecodeError } from '../errors.js';

/**
 * An operation-based CRDT. A local change is split in two: `prepare…(...)` reads the local state
 * and returns an op (without changing anything), and {@link OpCrdt.effect} applies an op, the local
 * one first, then on every other replica. Ops of one replica's concurrent history commute, so
 * replicas that effect the same ops in any causal order (see {@link OpReplica}, which delivers
 * through a {@link CausalBuffer}) reach the same value.
 */
export interface OpCrdt<Op, Value> {
  /** The local replica: prepared ops are stamped with it. */
  readonly replica: ReplicaId;
  /**
   * Apply `op` (local or remote).
   * @throws {AccordError} `invalid-argument` for a malformed op; the state is then unchanged.
   */
  effect(op: Op): void;
  /**
   * Check that `op` is well formed without applying it (what `effect` checks first).
   * @throws {AccordError} `invalid-argument` for a malformed op.
   */
  checkOp(op: Op): void;
  /** The current value as an application sees it. */
  value(): Value;
  /** Append the binary encoding of `op` (starting with its type tag). */
  writeOp(enc: Encoder, op: Op): void;
  /**
   * Read one op written by {@link OpCrdt.writeOp}. Bounded.
   * @throws {DecodeError} for malformed input (wrong tag included); nothing else.
   */
  readOp(dec: Decoder): Op;
  /**
   * Append a snapshot of the whole state (starting with its type tag; the replica id is not
   * included), so a replica can be persisted and restored without replaying its ops.
   * @throws {AccordError} `out-of-range` only for a counter beyond 2^53 - 1.
   */
  writeState(enc: Encoder): void;
  /**
   * Decode a snapshot written by {@link OpCrdt.writeState} without changing anything, and return
   * a function that installs it (replacing this CRDT's state), so a caller can finish checking
   * the rest of its input first. Bounded.
   * @throws {DecodeError} for malformed input (wrong tag, broken invariants); nothing else.
   */
  readState(dec: Decoder): () => void;
}

/** First byte of each op encoding, so one type's ops are never decoded as another's. */
export const OpTag = {
  CounterAdd: 0x71,
  ORSetAdd: 0x72,
  ORSetRemove: 0x73,
  LWWSet: 0x74,
  MVSet: 0x75,
  CounterState: 0x79,
  ORSetState: 0x7a,
  LWWState: 0x7b,
  MVState: 0x7c,
} as const;

/**
 * Run `fn` (a codec's `key`) on a value just decoded; a value the codec cannot identify is
 * malformed input, so its `AccordError` becomes `DecodeError('invalid')`.
 */
export function keyOfDecoded<K>(fn: () => K): K {
  try {
    return fn();
  } catch (e) {
    if (e instanceof DecodeError) throw e;
    throw new DecodeError(
      'invalid',
      `decoded value refused by its codec: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

/** The binary encoding of `op` as a standalone byte array. */
export function opToBytes<Op>(crdt: OpCrdt<Op, unknown>, op: Op): Uint8Array {
  const enc = new Encoder();
  crdt.writeOp(enc, op);
  return enc.toBytes();
}

/**
 * Decode a standalone op written by {@link opToBytes}; the state of `crdt` is not touched.
 * @throws {DecodeError} for malformed input or trailing bytes; nothing else.
 */
export function opFromBytes<Op>(crdt: OpCrdt<Op, unknown>, bytes: Uint8Array): Op {
  return decodeWith(bytes, (d) => crdt.readOp(d));
}

/** Read a tag byte and throw `DecodeError('bad-tag')` unless it is one of `allowed`. */
export function readOpTag(dec: Decoder, allowed: readonly number[], name: string): number {
  const tag = dec.readU8();
  if (!allowed.includes(tag)) throw new DecodeError('bad-tag', `not a ${name} op (tag ${tag})`);
  return tag;
}
