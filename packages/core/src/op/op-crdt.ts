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
}

/** First byte of each op encoding, so one type's ops are never decoded as another's. */
export const OpTag = {
  CounterAdd: 0x71,
  ORSetAdd: 0x72,
  ORSetRemove: 0x73,
  LWWSet: 0x74,
  MVSet: 0x75,
} as const;

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
