/**
 * Values, keys and operation ids of the linearizable compare-and-set register (`cas` /
 * `cas-result` messages, and the relays' peer messages that replicate it), with their bounded
 * wire form. A value is a JSON scalar or `null` ("absent"). Limits keep untrusted input cheap:
 * a key is at most {@link MAX_REGISTER_KEY_BYTES}, a string value at most
 * {@link MAX_REGISTER_VALUE_BYTES}, an operation id at most {@link MAX_CAS_OP_ID_BYTES} UTF-8 bytes.
 */
import type { Decoder } from '../encoding/decoder.js';
import type { Encoder } from '../encoding/encoder.js';
import { isWellFormedUtf16, utf8Length } from '../encoding/utf16.js';
import { DecodeError } from '../errors.js';

/** A register value: a JSON scalar, or `null` for "absent" (as `expected`: "only if absent"). */
export type RegisterValue = string | number | boolean | null;

/** Longest register key, in UTF-8 bytes. */
export const MAX_REGISTER_KEY_BYTES = 256;
/** Longest string register value, in UTF-8 bytes. */
export const MAX_REGISTER_VALUE_BYTES = 1024;
/** Longest client operation id (the dedupe key of a retried `cas`), in UTF-8 bytes. */
export const MAX_CAS_OP_ID_BYTES = 64;

const TAG_NULL = 0;
const TAG_FALSE = 1;
const TAG_TRUE = 2;
const TAG_NUMBER = 3;
const TAG_STRING = 4;

/**
 * Why `v` cannot be a register value (`null` when it can): not a JSON scalar, a non-finite
 * number, a string over the limit or holding a lone surrogate.
 */
export function registerValueProblem(v: unknown): string | null {
  if (v === null || typeof v === 'boolean') return null;
  if (typeof v === 'number') return Number.isFinite(v) ? null : 'a register number must be finite';
  if (typeof v === 'string') {
    if (!isWellFormedUtf16(v)) return 'a register string must be well-formed UTF-16';
    return utf8Length(v) <= MAX_REGISTER_VALUE_BYTES
      ? null
      : `a register string is at most ${MAX_REGISTER_VALUE_BYTES} UTF-8 bytes`;
  }
  return 'a register value is a string, a finite number, a boolean or null';
}

/** Why `key` cannot be a register key (`null` when it can): empty, too long, or a lone surrogate. */
export function registerKeyProblem(key: unknown): string | null {
  if (typeof key !== 'string' || key.length === 0) return 'a register key is a non-empty string';
  if (!isWellFormedUtf16(key)) return 'a register key must be well-formed UTF-16';
  return utf8Length(key) <= MAX_REGISTER_KEY_BYTES
    ? null
    : `a register key is at most ${MAX_REGISTER_KEY_BYTES} UTF-8 bytes`;
}

/**
 * Write a register value. @throws `RangeError` for a value {@link registerValueProblem} refuses.
 */
export function writeRegisterValue(enc: Encoder, v: RegisterValue): void {
  const problem = registerValueProblem(v);
  if (problem !== null) throw new RangeError(problem);
  if (v === null) enc.writeU8(TAG_NULL);
  else if (v === false) enc.writeU8(TAG_FALSE);
  else if (v === true) enc.writeU8(TAG_TRUE);
  else if (typeof v === 'number') {
    enc.writeU8(TAG_NUMBER);
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setFloat64(0, v, true);
    enc.writeRaw(bytes);
  } else {
    enc.writeU8(TAG_STRING);
    enc.writeString(v);
  }
}

/** Read a register value. Throws only {@link DecodeError} (bad tag, non-finite, too long, bad UTF-8). */
export function readRegisterValue(d: Decoder): RegisterValue {
  const tag = d.readU8();
  switch (tag) {
    case TAG_NULL:
      return null;
    case TAG_FALSE:
      return false;
    case TAG_TRUE:
      return true;
    case TAG_NUMBER: {
      const raw = d.readRaw(8);
      const n = new DataView(raw.buffer, raw.byteOffset, 8).getFloat64(0, true);
      if (!Number.isFinite(n)) throw new DecodeError('invalid', 'a register number must be finite');
      return n;
    }
    case TAG_STRING:
      return d.readBoundedString(MAX_REGISTER_VALUE_BYTES, 'register value');
    default:
      throw new DecodeError('bad-tag', `unknown register value tag ${tag}`);
  }
}

/** Read a register key. Throws only {@link DecodeError}. */
export function readRegisterKey(d: Decoder): string {
  const key = d.readBoundedString(MAX_REGISTER_KEY_BYTES, 'register key');
  if (key.length === 0) throw new DecodeError('invalid', 'empty register key');
  return key;
}

/** Read a client operation id. Throws only {@link DecodeError}. */
export function readCasOpId(d: Decoder): string {
  const id = d.readBoundedString(MAX_CAS_OP_ID_BYTES, 'cas operation id');
  if (id.length === 0) throw new DecodeError('invalid', 'empty cas operation id');
  return id;
}
