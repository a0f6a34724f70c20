/**
 * Value codecs: how the state-based CRDTs write, read and identify the values they hold (set
 * elements, register values, map values). A codec writes binary (varints, UTF-8, float64), never
 * JSON text, and gives every value an identity key so that sets and registers can tell equal
 * values apart from different ones without deep comparisons.
 */
import type { Decoder } from '../encoding/decoder.js';
import { Encoder } from '../encoding/encoder.js';
import { AccordError, DecodeError } from '../errors.js';

/**
 * The identity of a value inside a CRDT: two values are the same element (of a set) or the same
 * write (of a register) exactly when their keys are equal with `===` (or are both `NaN`).
 */
export type ValueKey = string | number;

/**
 * How a CRDT writes, reads and identifies values of type `T`.
 *
 * `key` must be a pure function of the value, and `write` then `read` must return a value with
 * the same key, so that replicas that exchange states agree on which values are equal. `key` is
 * called before any state changes, so it is also where a codec rejects values it cannot encode.
 *
 * CRDTs store the values they are given and return them as they are (no copies): treat values
 * (objects and arrays in particular) as immutable once handed to a CRDT, or their keys go stale.
 */
export interface ValueCodec<T> {
  /** Append `value` to `enc`. */
  write(enc: Encoder, value: T): void;
  /**
   * Read one value written by {@link ValueCodec.write}. Must be bounded (check every length
   * against `dec.remaining` before allocating) and must throw only {@link DecodeError}.
   */
  read(dec: Decoder): T;
  /**
   * The identity key of `value`.
   * @throws {AccordError} `invalid-argument` if the codec cannot encode `value`.
   */
  key(value: T): ValueKey;
}

/**
 * Total order on value keys: numbers (ascending, `NaN` last) before strings (by UTF-16 code
 * units). Used for canonical encodings, deterministic `value()` order and tie-breaks.
 */
export function compareValueKeys(a: ValueKey, b: ValueKey): number {
  if (typeof a === 'number') {
    if (typeof b !== 'number') return -1;
    if (a < b) return -1;
    if (a > b) return 1;
    if (a === b) return 0;
    // At least one NaN: NaN sorts last and equals itself.
    const an = Number.isNaN(a);
    const bn = Number.isNaN(b);
    return an === bn ? 0 : an ? 1 : -1;
  }
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Strings, written as length-prefixed UTF-8; a string is its own key. */
export const stringCodec: ValueCodec<string> = {
  write(enc, value) {
    enc.writeString(value);
  },
  read(dec) {
    return dec.readString();
  },
  key(value) {
    if (typeof value !== 'string') throw new AccordError('invalid-argument', 'stringCodec: not a string');
    return value;
  },
};

/**
 * Any JavaScript number, written as a signed varint when it is a safe integer and as a float64
 * otherwise (`-0`, `NaN` and the infinities survive a round trip). `-0` and `0` are different
 * values (the key of `-0` is the string `'-0'`, so it sorts after every other number); all `NaN`s
 * are one value.
 */
export const numberCodec: ValueCodec<number> = {
  write(enc, value) {
    if (Number.isSafeInteger(value) && !Object.is(value, -0)) {
      enc.writeU8(0);
      enc.writeVarInt(value);
    } else {
      enc.writeU8(1);
      enc.writeFloat64(value);
    }
  },
  read(dec) {
    const tag = dec.readU8();
    if (tag === 0) return dec.readVarInt();
    if (tag === 1) return dec.readFloat64();
    throw new DecodeError('bad-tag', `numberCodec: unknown tag ${tag}`);
  },
  key(value) {
    if (typeof value !== 'number') throw new AccordError('invalid-argument', 'numberCodec: not a number');
    return Object.is(value, -0) ? '-0' : value;
  },
};

/** A JSON-compatible value: what `JSON.parse` can return (numbers are finite). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Deepest nesting of arrays and objects that {@link jsonCodec} writes or reads. */
export const MAX_JSON_DEPTH = 64;

enum JsonTag {
  Null = 0,
  False = 1,
  True = 2,
  Int = 3,
  Float = 4,
  String = 5,
  Array = 6,
  Object = 7,
}

function writeJson(enc: Encoder, value: JsonValue, depth: number): void {
  if (value === null) {
    enc.writeU8(JsonTag.Null);
  } else if (typeof value === 'boolean') {
    enc.writeU8(value ? JsonTag.True : JsonTag.False);
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new AccordError('invalid-argument', 'JSON numbers must be finite');
    if (Number.isSafeInteger(value) && !Object.is(value, -0)) {
      enc.writeU8(JsonTag.Int);
      enc.writeVarInt(value);
    } else {
      enc.writeU8(JsonTag.Float);
      enc.writeFloat64(value);
    }
  } else if (typeof value === 'string') {
    enc.writeU8(JsonTag.String);
    enc.writeString(value);
  } else if (typeof value === 'object') {
    if (depth >= MAX_JSON_DEPTH) {
      throw new AccordError('invalid-argument', `JSON value nested deeper than ${MAX_JSON_DEPTH}`);
    }
    if (Array.isArray(value)) {
      enc.writeU8(JsonTag.Array);
      enc.writeVarUint(value.length);
      // Holes in sparse arrays read as undefined, which is refused below.
      for (let i = 0; i < value.length; i++) writeJson(enc, value[i] as JsonValue, depth + 1);
      return;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw new AccordError('invalid-argument', 'JSON objects must be plain objects');
    }
    // Sorted keys make the encoding canonical: equal objects give equal bytes and keys.
    const keys = Object.keys(value).sort();
    enc.writeU8(JsonTag.Object);
    enc.writeVarUint(keys.length);
    for (const k of keys) {
      enc.writeString(k);
      writeJson(enc, value[k] as JsonValue, depth + 1);
    }
  } else {
    throw new AccordError('invalid-argument', `${typeof value} is not a JSON value`);
  }
}

function readJson(dec: Decoder, depth: number): JsonValue {
  const tag = dec.readU8();
  switch (tag) {
    case JsonTag.Null:
      return null;
    case JsonTag.False:
      return false;
    case JsonTag.True:
      return true;
    case JsonTag.Int:
      return dec.readVarInt();
    case JsonTag.Float: {
      const v = dec.readFloat64();
      if (!Number.isFinite(v)) throw new DecodeError('invalid', 'JSON numbers must be finite');
      return v;
    }
    case JsonTag.String:
      return dec.readString();
    case JsonTag.Array:
    case JsonTag.Object: {
      if (depth >= MAX_JSON_DEPTH) throw new DecodeError('too-large', 'JSON value nested too deeply');
      if (tag === JsonTag.Array) {
        const n = dec.readCount(1);
        // push, not new Array(n): memory grows only with the elements actually read.
        const arr: JsonValue[] = [];
        for (let i = 0; i < n; i++) arr.push(readJson(dec, depth + 1));
        return arr;
      }
      const n = dec.readCount(2);
      const obj: { [key: string]: JsonValue } = {};
      for (let i = 0; i < n; i++) {
        const k = dec.readString();
        const v = readJson(dec, depth + 1);
        // defineProperty so a key named "__proto__" stays an own property.
        Object.defineProperty(obj, k, { value: v, enumerable: true, writable: true, configurable: true });
      }
      return obj;
    }
    default:
      throw new DecodeError('bad-tag', `jsonCodec: unknown tag ${tag}`);
  }
}

const keyEncoder = new Encoder(64);

/**
 * JSON-compatible values in a compact binary form (tags, varints, float64, UTF-8; object keys
 * sorted), never JSON text. The key of a value is its canonical encoding, so `{a: 1, b: 2}` and
 * `{b: 2, a: 1}` are the same element. Nesting deeper than {@link MAX_JSON_DEPTH} is refused on
 * both sides.
 */
export const jsonCodec: ValueCodec<JsonValue> = {
  write(enc, value) {
    writeJson(enc, value, 0);
  },
  read(dec) {
    return readJson(dec, 0);
  },
  key(value) {
    keyEncoder.reset();
    writeJson(keyEncoder, value, 0);
    const bytes = keyEncoder.toBytes();
    // One UTF-16 code unit per byte: a compact string key that preserves byte equality.
    let s = '';
    for (let i = 0; i < bytes.length; i += 4096) {
      s += String.fromCharCode(...bytes.subarray(i, i + 4096));
    }
    return s;
  },
};
