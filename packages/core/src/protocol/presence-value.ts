/**
 * A compact, bounded binary encoding for the small app-defined values carried by presence
 * (cursors, selections, a user's status): JSON-like values plus raw bytes, tagged and
 * varint-encoded, never JSON text.
 */

import type { Decoder } from '../encoding/decoder.js';
import type { Encoder } from '../encoding/encoder.js';
import { utf8Length } from '../encoding/utf16.js';
import { DecodeError } from '../errors.js';

/**
 * A value an application may put into presence: `null`, booleans, finite numbers, strings,
 * byte arrays, arrays and plain objects of these, nested at most {@link PRESENCE_MAX_DEPTH} deep.
 */
export type PresenceValue =
  | null
  | boolean
  | number
  | string
  | Uint8Array
  | readonly PresenceValue[]
  | { readonly [key: string]: PresenceValue };

/** Deepest nesting of arrays and objects accepted in a {@link PresenceValue}. */
export const PRESENCE_MAX_DEPTH = 8;

/** Most array elements plus object entries accepted in one {@link PresenceValue}, all levels together. */
export const PRESENCE_MAX_NODES = 4096;

const TAG_NULL = 0;
const TAG_FALSE = 1;
const TAG_TRUE = 2;
const TAG_INT = 3;
const TAG_FLOAT = 4;
const TAG_STRING = 5;
const TAG_BYTES = 6;
const TAG_ARRAY = 7;
const TAG_OBJECT = 8;

/**
 * Append `value` to `enc`. Throws `RangeError` for values outside {@link PresenceValue}
 * (functions, `undefined`, non-finite numbers, cycles or nesting deeper than the limit).
 */
export function writePresenceValue(enc: Encoder, value: PresenceValue, depth = 0): void {
  if (depth > PRESENCE_MAX_DEPTH) throw new RangeError('presence value nested too deeply');
  if (value === null) enc.writeU8(TAG_NULL);
  else if (value === false) enc.writeU8(TAG_FALSE);
  else if (value === true) enc.writeU8(TAG_TRUE);
  else if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && !Object.is(value, -0)) {
      enc.writeU8(TAG_INT);
      enc.writeVarInt(value);
    } else if (Number.isFinite(value)) {
      enc.writeU8(TAG_FLOAT);
      enc.writeFloat64(value);
    } else throw new RangeError('presence numbers must be finite');
  } else if (typeof value === 'string') {
    enc.writeU8(TAG_STRING);
    enc.writeString(value);
  } else if (value instanceof Uint8Array) {
    enc.writeU8(TAG_BYTES);
    enc.writeBytes(value);
  } else if (Array.isArray(value)) {
    enc.writeU8(TAG_ARRAY);
    enc.writeVarUint(value.length);
    for (const v of value as readonly PresenceValue[]) writePresenceValue(enc, v, depth + 1);
  } else if (typeof value === 'object') {
    const entries = Object.entries(value as { readonly [key: string]: PresenceValue });
    enc.writeU8(TAG_OBJECT);
    enc.writeVarUint(entries.length);
    for (const [k, v] of entries) {
      enc.writeString(k);
      writePresenceValue(enc, v, depth + 1);
    }
  } else throw new RangeError(`unsupported presence value of type ${typeof value}`);
}

/** Bytes of an unsigned LEB128 varint (as `Encoder.writeVarUint` writes it). */
export function varUintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    size++;
  }
  return size;
}

/** Bytes of a signed varint (as `Encoder.writeVarInt` writes it: 6 bits in the first byte). */
function varIntSize(v: number): number {
  let m = Math.floor(Math.abs(v) / 0x40);
  let size = 1;
  while (m > 0) {
    m = Math.floor(m / 0x80);
    size++;
  }
  return size;
}

/** Bytes of a length-prefixed UTF-8 string (as `Encoder.writeString` writes it). */
export function stringSize(s: string): number {
  const n = utf8Length(s);
  return varUintSize(n) + n;
}

/**
 * The exact number of bytes {@link writePresenceValue} writes for `value`, computed without
 * encoding (the relay weighs presence against its byte limits with it). Throws `RangeError`
 * where {@link writePresenceValue} would.
 */
export function presenceValueSize(value: PresenceValue, depth = 0): number {
  if (depth > PRESENCE_MAX_DEPTH) throw new RangeError('presence value nested too deeply');
  if (value === null || value === false || value === true) return 1;
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && !Object.is(value, -0)) return 1 + varIntSize(value);
    if (Number.isFinite(value)) return 9;
    throw new RangeError('presence numbers must be finite');
  }
  if (typeof value === 'string') return 1 + stringSize(value);
  if (value instanceof Uint8Array) return 1 + varUintSize(value.length) + value.length;
  if (Array.isArray(value)) {
    let n = 1 + varUintSize(value.length);
    for (const v of value as readonly PresenceValue[]) n += presenceValueSize(v, depth + 1);
    return n;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as { readonly [key: string]: PresenceValue });
    let n = 1 + varUintSize(entries.length);
    for (const [k, v] of entries) n += stringSize(k) + presenceValueSize(v, depth + 1);
    return n;
  }
  throw new RangeError(`unsupported presence value of type ${typeof value}`);
}

/**
 * Read one {@link PresenceValue}. Bounded: every count is checked against the bytes left,
 * nesting against {@link PRESENCE_MAX_DEPTH} and the total element count against
 * {@link PRESENCE_MAX_NODES}. Throws only {@link DecodeError}.
 */
export function readPresenceValue(dec: Decoder): PresenceValue {
  const budget = { nodes: PRESENCE_MAX_NODES };
  return readValue(dec, 0, budget);
}

function readValue(dec: Decoder, depth: number, budget: { nodes: number }): PresenceValue {
  const tag = dec.readU8();
  switch (tag) {
    case TAG_NULL:
      return null;
    case TAG_FALSE:
      return false;
    case TAG_TRUE:
      return true;
    case TAG_INT:
      return dec.readVarInt();
    case TAG_FLOAT: {
      const v = dec.readFloat64();
      if (!Number.isFinite(v)) throw new DecodeError('invalid', 'presence number is not finite');
      return v;
    }
    case TAG_STRING:
      return dec.readString();
    case TAG_BYTES:
      return dec.readBytes().slice();
    case TAG_ARRAY: {
      if (depth >= PRESENCE_MAX_DEPTH) throw new DecodeError('too-large', 'presence value nested too deeply');
      const n = dec.readCount(1);
      take(budget, n);
      const out: PresenceValue[] = [];
      for (let i = 0; i < n; i++) out.push(readValue(dec, depth + 1, budget));
      return out;
    }
    case TAG_OBJECT: {
      if (depth >= PRESENCE_MAX_DEPTH) throw new DecodeError('too-large', 'presence value nested too deeply');
      const n = dec.readCount(2);
      take(budget, n);
      // A null-prototype object: a hostile "__proto__" key stays an ordinary key.
      const out: Record<string, PresenceValue> = Object.create(null) as Record<string, PresenceValue>;
      for (let i = 0; i < n; i++) {
        const key = dec.readString();
        out[key] = readValue(dec, depth + 1, budget);
      }
      return out;
    }
    default:
      throw new DecodeError('bad-tag', `unknown presence value tag ${tag}`);
  }
}

function take(budget: { nodes: number }, n: number): void {
  budget.nodes -= n;
  if (budget.nodes < 0) throw new DecodeError('too-large', 'presence value has too many elements');
}
