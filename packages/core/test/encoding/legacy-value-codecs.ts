/**
 * Reference model: the three value codecs as they were before the shared tagged-value codec
 * (`state/value-codec.ts` writeJson/readJson, `format/values-codec.ts`,
 * `protocol/presence-value.ts` at commit a519ccc), copied with their logic unchanged and only
 * renamed, so tests can check that the configurations write the same bytes and read back
 * everything the old code wrote or accepted.
 */
import type { Decoder } from '../../src/encoding/decoder.js';
import type { Encoder } from '../../src/encoding/encoder.js';
import { DecodeError } from '../../src/errors.js';
import { KIND_CODES, KINDS } from '../../src/format/kinds.js';
import { ContainerValue } from '../../src/format/records.js';

// --- state/value-codec.ts (jsonCodec) ---------------------------------------------------------

const MAX_JSON_DEPTH = 64;

/** The old `writeJson` (tags 0..7, sorted keys, container depth 64; threw AccordError). */
export function legacyWriteJson(enc: Encoder, value: unknown, depth = 0): void {
  if (value === null) enc.writeU8(0);
  else if (typeof value === 'boolean') enc.writeU8(value ? 2 : 1);
  else if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('JSON numbers must be finite');
    if (Number.isSafeInteger(value) && !Object.is(value, -0)) {
      enc.writeU8(3);
      enc.writeVarInt(value);
    } else {
      enc.writeU8(4);
      enc.writeFloat64(value);
    }
  } else if (typeof value === 'string') {
    enc.writeU8(5);
    enc.writeString(value);
  } else if (typeof value === 'object') {
    if (depth >= MAX_JSON_DEPTH) throw new Error('JSON value nested too deeply');
    if (Array.isArray(value)) {
      enc.writeU8(6);
      enc.writeVarUint(value.length);
      for (let i = 0; i < value.length; i++) legacyWriteJson(enc, value[i], depth + 1);
      return;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw new Error('JSON objects must be plain objects');
    const keys = Object.keys(value).sort();
    enc.writeU8(7);
    enc.writeVarUint(keys.length);
    for (const k of keys) {
      enc.writeString(k);
      legacyWriteJson(enc, (value as Record<string, unknown>)[k], depth + 1);
    }
  } else throw new Error(`${typeof value} is not a JSON value`);
}

/** The old `readJson`. */
export function legacyReadJson(dec: Decoder, depth = 0): unknown {
  const tag = dec.readU8();
  switch (tag) {
    case 0:
      return null;
    case 1:
      return false;
    case 2:
      return true;
    case 3:
      return dec.readVarInt();
    case 4: {
      const v = dec.readFloat64();
      if (!Number.isFinite(v)) throw new DecodeError('invalid', 'JSON numbers must be finite');
      return v;
    }
    case 5:
      return dec.readString();
    case 6:
    case 7: {
      if (depth >= MAX_JSON_DEPTH) throw new DecodeError('too-large', 'JSON value nested too deeply');
      if (tag === 6) {
        const n = dec.readCount(1);
        const arr: unknown[] = [];
        for (let i = 0; i < n; i++) arr.push(legacyReadJson(dec, depth + 1));
        return arr;
      }
      const n = dec.readCount(2);
      const obj: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) {
        const k = dec.readString();
        const v = legacyReadJson(dec, depth + 1);
        Object.defineProperty(obj, k, { value: v, enumerable: true, writable: true, configurable: true });
      }
      return obj;
    }
    default:
      throw new DecodeError('bad-tag', `jsonCodec: unknown tag ${tag}`);
  }
}

// --- format/values-codec.ts (document values) -------------------------------------------------

/** The old `writeValue` (tags 0..8, insertion order, no depth limit; threw TypeError). */
export function legacyWriteStored(enc: Encoder, v: unknown): void {
  if (v === null) enc.writeU8(0);
  else if (v === false) enc.writeU8(1);
  else if (v === true) enc.writeU8(2);
  else if (typeof v === 'number') {
    if (Number.isSafeInteger(v) && !Object.is(v, -0)) {
      enc.writeU8(3);
      enc.writeVarInt(v);
    } else {
      enc.writeU8(4);
      enc.writeFloat64(v);
    }
  } else if (typeof v === 'string') {
    enc.writeU8(5);
    enc.writeString(v);
  } else if (Array.isArray(v)) {
    enc.writeU8(6);
    enc.writeVarUint(v.length);
    for (const x of v) legacyWriteStored(enc, x);
  } else if (v instanceof ContainerValue) {
    enc.writeU8(8);
    enc.writeU8(v.concurrent && v.kind === 'map' ? 4 : KIND_CODES[v.kind]);
  } else if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>);
    enc.writeU8(7);
    enc.writeVarUint(entries.length);
    for (const [k, x] of entries) {
      enc.writeString(k);
      legacyWriteStored(enc, x);
    }
  } else throw new TypeError(`cannot encode value of type ${typeof v}`);
}

/** The old `readValue` (refused any value at depth > 32, depth error `invalid`). */
export function legacyReadStored(dec: Decoder, allowContainer: boolean, depth = 0): unknown {
  if (depth > 32) throw new DecodeError('invalid', 'value nested too deeply');
  const tag = dec.readU8();
  switch (tag) {
    case 0:
      return null;
    case 1:
      return false;
    case 2:
      return true;
    case 3:
      return dec.readVarInt();
    case 4: {
      const f = dec.readFloat64();
      if (!Number.isFinite(f)) throw new DecodeError('invalid', 'non-finite number');
      return f;
    }
    case 5:
      return dec.readString();
    case 6: {
      const n = dec.readCount(1);
      const out: unknown[] = [];
      for (let i = 0; i < n; i++) out.push(legacyReadStored(dec, false, depth + 1));
      return out;
    }
    case 7: {
      const n = dec.readCount(2);
      const out: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) {
        const k = dec.readString();
        const v = legacyReadStored(dec, false, depth + 1);
        Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    case 8: {
      if (!allowContainer) throw new DecodeError('invalid', 'container inside a JSON value');
      const code = dec.readU8();
      if (code === 4) return new ContainerValue('map', true);
      const kind = KINDS[code];
      if (kind === undefined) throw new DecodeError('bad-tag', 'unknown container kind');
      return new ContainerValue(kind);
    }
    default:
      throw new DecodeError('bad-tag', `unknown value tag ${tag}`);
  }
}

// --- protocol/presence-value.ts ---------------------------------------------------------------

const PRESENCE_MAX_DEPTH = 8;

/** The old `writePresenceValue` (tags 0..8 with 6 = bytes; refused any value at depth > 8; threw RangeError). */
export function legacyWritePresence(enc: Encoder, value: unknown, depth = 0): void {
  if (depth > PRESENCE_MAX_DEPTH) throw new RangeError('presence value nested too deeply');
  if (value === null) enc.writeU8(0);
  else if (value === false) enc.writeU8(1);
  else if (value === true) enc.writeU8(2);
  else if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && !Object.is(value, -0)) {
      enc.writeU8(3);
      enc.writeVarInt(value);
    } else if (Number.isFinite(value)) {
      enc.writeU8(4);
      enc.writeFloat64(value);
    } else throw new RangeError('presence numbers must be finite');
  } else if (typeof value === 'string') {
    enc.writeU8(5);
    enc.writeString(value);
  } else if (value instanceof Uint8Array) {
    enc.writeU8(6);
    enc.writeBytes(value);
  } else if (Array.isArray(value)) {
    enc.writeU8(7);
    enc.writeVarUint(value.length);
    for (const v of value) legacyWritePresence(enc, v, depth + 1);
  } else if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    enc.writeU8(8);
    enc.writeVarUint(entries.length);
    for (const [k, v] of entries) {
      enc.writeString(k);
      legacyWritePresence(enc, v, depth + 1);
    }
  } else throw new RangeError(`unsupported presence value of type ${typeof value}`);
}

/** The old `readPresenceValue` (container depth 8, 4096 elements, null-prototype objects). */
export function legacyReadPresence(dec: Decoder): unknown {
  const budget = { nodes: 4096 };
  return readPresence(dec, 0, budget);
}

function readPresence(dec: Decoder, depth: number, budget: { nodes: number }): unknown {
  const tag = dec.readU8();
  switch (tag) {
    case 0:
      return null;
    case 1:
      return false;
    case 2:
      return true;
    case 3:
      return dec.readVarInt();
    case 4: {
      const v = dec.readFloat64();
      if (!Number.isFinite(v)) throw new DecodeError('invalid', 'presence number is not finite');
      return v;
    }
    case 5:
      return dec.readString();
    case 6:
      return dec.readBytes().slice();
    case 7:
    case 8: {
      if (depth >= PRESENCE_MAX_DEPTH) throw new DecodeError('too-large', 'presence value nested too deeply');
      const n = dec.readCount(tag === 7 ? 1 : 2);
      budget.nodes -= n;
      if (budget.nodes < 0) throw new DecodeError('too-large', 'presence value has too many elements');
      if (tag === 7) {
        const out: unknown[] = [];
        for (let i = 0; i < n; i++) out.push(readPresence(dec, depth + 1, budget));
        return out;
      }
      const out = Object.create(null) as Record<string, unknown>;
      for (let i = 0; i < n; i++) {
        const key = dec.readString();
        out[key] = readPresence(dec, depth + 1, budget);
      }
      return out;
    }
    default:
      throw new DecodeError('bad-tag', `unknown presence value tag ${tag}`);
  }
}
