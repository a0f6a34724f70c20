/**
 * Replica ids and dots: the unique names of events in Accord. A dot `(replica, counter)` names the
 * `counter`-th event of one replica; every CRDT operation and every causal dependency is a dot.
 */
import type { Decoder } from '../encoding/decoder.js';
import type { Encoder } from '../encoding/encoder.js';
import { AccordError, DecodeError } from '../errors.js';

/**
 * Identifies one replica (one document session). A random non-negative safe integer (53 bits)
 * chosen per session with {@link randomReplicaId}; two sessions that happen to share an id would
 * corrupt each other's dots, which 53 random bits make vanishingly unlikely.
 */
export type ReplicaId = number;

/**
 * The name of one event: the `counter`-th event (counting from 1) created by `replica`.
 * Dots are unique across the whole system as long as replica ids are, and are never reused.
 */
export interface Dot {
  /** The replica that created the event. */
  replica: ReplicaId;
  /** Its sequence number on that replica, starting at 1. */
  counter: number;
}

/** True when `value` is a valid replica id: a non-negative safe integer. */
export function isReplicaId(value: unknown): value is ReplicaId {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * Throw `AccordError('invalid-argument')` unless `value` is a valid replica id.
 * @throws {AccordError} `invalid-argument` for negative, fractional or unsafe numbers.
 */
export function assertReplicaId(value: unknown): asserts value is ReplicaId {
  if (!isReplicaId(value)) {
    throw new AccordError(
      'invalid-argument',
      `replica id must be a non-negative safe integer, got ${String(value)}`,
    );
  }
}

/**
 * A fresh random replica id in `[1, 2^53 - 1]`, drawn from `crypto.getRandomValues` (available in
 * browsers and Node 19+). Call once per session; never persist one id across concurrent sessions.
 */
export function randomReplicaId(): ReplicaId {
  const words = new Uint32Array(2);
  globalThis.crypto.getRandomValues(words);
  const hi = (words[0] as number) & 0x1fffff; // 21 bits
  const lo = words[1] as number; // 32 bits
  const id = hi * 0x1_0000_0000 + lo;
  return id === 0 ? 1 : id;
}

/**
 * Make a dot, checking its fields.
 * @throws {AccordError} `invalid-argument` if the replica is not a valid id or the counter is not a
 * safe integer >= 1.
 */
export function createDot(replica: ReplicaId, counter: number): Dot {
  assertReplicaId(replica);
  if (!Number.isSafeInteger(counter) || counter < 1) {
    throw new AccordError('invalid-argument', `dot counter must be a safe integer >= 1, got ${counter}`);
  }
  return { replica, counter };
}

/** True when two dots name the same event. */
export function dotsEqual(a: Dot, b: Dot): boolean {
  return a.replica === b.replica && a.counter === b.counter;
}

/** Total order on dots (by replica, then counter), for sorting and canonical encodings. */
export function compareDots(a: Dot, b: Dot): number {
  return a.replica !== b.replica ? a.replica - b.replica : a.counter - b.counter;
}

/** A string key for a dot (`"replica:counter"`), usable in `Map`s and `Set`s. */
export function dotKey(d: Dot): string {
  return `${d.replica}:${d.counter}`;
}

/** Write a dot as two unsigned varints. */
export function encodeDot(enc: Encoder, d: Dot): void {
  enc.writeVarUint(d.replica);
  enc.writeVarUint(d.counter);
}

/**
 * Read a dot written by {@link encodeDot}.
 * @throws {DecodeError} on truncated input, oversized varints (`overflow`) or a zero counter (`invalid`).
 */
export function decodeDot(dec: Decoder): Dot {
  const replica = dec.readVarUint();
  const counter = dec.readVarUint();
  if (counter < 1) throw new DecodeError('invalid', 'dot counter must be >= 1');
  return { replica, counter };
}
