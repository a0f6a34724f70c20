/**
 * Value codecs: how the state-based CRDTs write, read and identify the values they hold (set
 * elements, register values, map values). A codec writes binary (varints, UTF-8, float64), never
 * JSON text, and gives every value an identity key so that sets and registers can tell equal
 * values apart from different ones without deep comparisons.
 */
import type { Decoder } from '../encoding/decoder.js';
import { Encoder } from '../encoding/encoder.js';
import { JSON_VALUE_TAGS, TaggedValueCodec } from '../encoding/tagged-value.js';
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

/** The configuration of the tagged-value codec behind {@link jsonCodec} (internal: for tests). */
export const jsonValueCodec: TaggedValueCodec = new TaggedValueCodec({
  name: 'JSON value',
  tags: JSON_VALUE_TAGS,
  // Sorted keys make the encoding canonical: equal objects give equal bytes and keys.
  sortKeys: true,
  maxDepth: MAX_JSON_DEPTH,
});

const keyEncoder = new Encoder(64);

/**
 * JSON-compatible values in a compact binary form (tags, varints, float64, UTF-8; object keys
 * sorted), never JSON text. The key of a value is its canonical encoding, so `{a: 1, b: 2}` and
 * `{b: 2, a: 1}` are the same element. Nesting deeper than {@link MAX_JSON_DEPTH} is refused on
 * both sides: writing and `key` throw `AccordError('invalid-argument')` for anything that is not
 * a JSON value, reading throws only `DecodeError` (`too-large` for too deep nesting, `bad-tag`,
 * `invalid` for a non-finite number). A configuration of the shared tagged-value codec.
 */
export const jsonCodec: ValueCodec<JsonValue> = {
  write(enc, value) {
    jsonValueCodec.write(enc, value);
  },
  read(dec) {
    return jsonValueCodec.read(dec) as JsonValue;
  },
  key(value) {
    keyEncoder.reset();
    jsonValueCodec.write(keyEncoder, value);
    const bytes = keyEncoder.toBytes();
    // One UTF-16 code unit per byte: a compact string key that preserves byte equality.
    let s = '';
    for (let i = 0; i < bytes.length; i += 4096) {
      s += String.fromCharCode(...bytes.subarray(i, i + 4096));
    }
    return s;
  },
};
