/**
 * What every state-based (convergent, merge-based) CRDT in Accord offers, and the one-byte tags
 * that start their binary encodings.
 */
import type { Decoder } from '../encoding/decoder.js';
import { DecodeError } from '../errors.js';

/**
 * A state-based CRDT: replicas mutate locally, ship whole states, and `merge` them. Merge is the
 * least upper bound of a join semilattice: commutative, associative and idempotent, and it only
 * ever inflates the state (`a.leq(merged)` and `b.leq(merged)`), so replicas that have merged the
 * same states hold equal states whatever the order, duplication or delay of the exchanges.
 */
export interface StateCrdt<Self, Value> {
  /** The current value as an application sees it. */
  value(): Value;
  /** Merge `other` into this state in place (least upper bound). `other` is not changed. */
  merge(other: Self): void;
  /** An independent deep copy (same replica id). */
  clone(): Self;
  /** True when both states are equal in the semilattice (the same value does not suffice). */
  equals(other: Self): boolean;
  /** True when this state is less than or equal to `other` in the semilattice order. */
  leq(other: Self): boolean;
  /** The canonical binary encoding of the state (the local replica id is not included). */
  encode(): Uint8Array;
}

/** First byte of each state encoding, so one type's bytes are never decoded as another's. */
export const StateTag = {
  GCounter: 0x51,
  PNCounter: 0x52,
  GSet: 0x53,
  TwoPSet: 0x54,
  ORSet: 0x55,
  LWWRegister: 0x56,
  MVRegister: 0x57,
  LWWMap: 0x58,
  ORMap: 0x59,
} as const;

/** Read the type tag and throw `DecodeError('bad-tag')` unless it is `expected`. */
export function expectTag(dec: Decoder, expected: number, name: string): void {
  const tag = dec.readU8();
  if (tag !== expected) throw new DecodeError('bad-tag', `not a ${name} encoding (tag ${tag})`);
}
