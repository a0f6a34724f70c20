/**
 * Binary codec of stored values (list elements, map values, counter deltas): JSON data with a
 * tag byte per value, plus a tag for "a new container of kind K" at the top level (K: 0 map,
 * 1 list, 2 text, 3 counter, 4 a map keeping concurrent values).
 */

import type { Decoder } from '../encoding/decoder.js';
import type { Encoder } from '../encoding/encoder.js';
import { DecodeError } from '../errors.js';
import { KIND_CODES, KINDS } from './kinds.js';
import { ContainerValue } from './records.js';

const T_NULL = 0;
const T_FALSE = 1;
const T_TRUE = 2;
const T_INT = 3;
const T_FLOAT = 4;
const T_STRING = 5;
const T_ARRAY = 6;
const T_OBJECT = 7;
const T_CONTAINER = 8;

/** Container code of a map that keeps concurrent values (format version 2). */
const CONCURRENT_MAP = 4;

/** Deepest nesting the decoder accepts. */
const MAX_DEPTH = 32;

/** Write one value (JSON data or a {@link ContainerValue}). */
export function writeValue(enc: Encoder, v: unknown): void {
  if (v === null) enc.writeU8(T_NULL);
  else if (v === false) enc.writeU8(T_FALSE);
  else if (v === true) enc.writeU8(T_TRUE);
  else if (typeof v === 'number') {
    if (Number.isSafeInteger(v) && !Object.is(v, -0)) {
      enc.writeU8(T_INT);
      enc.writeVarInt(v);
    } else {
      enc.writeU8(T_FLOAT);
      enc.writeFloat64(v);
    }
  } else if (typeof v === 'string') {
    enc.writeU8(T_STRING);
    enc.writeString(v);
  } else if (Array.isArray(v)) {
    enc.writeU8(T_ARRAY);
    enc.writeVarUint(v.length);
    for (const x of v) writeValue(enc, x);
  } else if (v instanceof ContainerValue) {
    enc.writeU8(T_CONTAINER);
    enc.writeU8(v.concurrent && v.kind === 'map' ? CONCURRENT_MAP : KIND_CODES[v.kind]);
  } else if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>);
    enc.writeU8(T_OBJECT);
    enc.writeVarUint(entries.length);
    for (const [k, x] of entries) {
      enc.writeString(k);
      writeValue(enc, x);
    }
  } else throw new TypeError(`cannot encode value of type ${typeof v}`);
}

/**
 * Read one value. Containers are accepted only when `allowContainer` (top level of a list element
 * or map value).
 * @throws {DecodeError} on bad tags, too deep nesting, non-finite numbers or truncation.
 */
export function readValue(dec: Decoder, allowContainer: boolean, depth = 0): unknown {
  if (depth > MAX_DEPTH) throw new DecodeError('invalid', 'value nested too deeply');
  const tag = dec.readU8();
  switch (tag) {
    case T_NULL:
      return null;
    case T_FALSE:
      return false;
    case T_TRUE:
      return true;
    case T_INT:
      return dec.readVarInt();
    case T_FLOAT: {
      const f = dec.readFloat64();
      if (!Number.isFinite(f)) throw new DecodeError('invalid', 'non-finite number');
      return f;
    }
    case T_STRING:
      return dec.readString();
    case T_ARRAY: {
      const n = dec.readCount(1);
      const out: unknown[] = [];
      for (let i = 0; i < n; i++) out.push(readValue(dec, false, depth + 1));
      return out;
    }
    case T_OBJECT: {
      const n = dec.readCount(2);
      const out: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) {
        const k = dec.readString();
        const v = readValue(dec, false, depth + 1);
        Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    case T_CONTAINER: {
      if (!allowContainer) throw new DecodeError('invalid', 'container inside a JSON value');
      const code = dec.readU8();
      if (code === CONCURRENT_MAP) return new ContainerValue('map', true);
      const kind = KINDS[code];
      if (kind === undefined) throw new DecodeError('bad-tag', 'unknown container kind');
      return new ContainerValue(kind);
    }
    default:
      throw new DecodeError('bad-tag', `unknown value tag ${tag}`);
  }
}
