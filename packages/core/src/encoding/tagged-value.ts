/**
 * One binary codec for JSON-like values: a tag byte per value, then the value's payload (signed
 * varint for safe integers, little-endian float64 for other numbers, length-prefixed UTF-8 for
 * strings, a varint count then the elements for arrays, a varint count then key/value pairs for
 * objects, a varint length then the bytes for byte arrays). Never JSON text.
 *
 * The value codecs of the state CRDTs (`jsonCodec`), of document values in updates and of
 * presence are configurations of it ({@link TaggedValueOptions}): each has its own tag table, so
 * that bytes already stored or sent stay readable, and its own limits. Every configuration keeps
 * one error contract:
 *
 * - writing (and {@link TaggedValueCodec.size}) refuses a value it cannot hold with
 *   `AccordError('invalid-argument')`, before it would write anything a reader refuses;
 * - reading throws only `DecodeError`: `bad-tag` for an unknown tag, `too-large` for nesting
 *   deeper than `maxDepth` or more than `maxNodes` elements, `invalid` for a non-finite number or
 *   an extension value where none is allowed, and the `Decoder`'s own codes (`truncated`,
 *   `overflow`, `bad-utf8`) for short or malformed payloads. Every count is checked against the
 *   bytes left before anything is allocated, and recursion stops at `maxDepth`.
 */

import { AccordError, DecodeError } from '../errors.js';
import { setOwn } from '../own-keys.js';
import type { Decoder } from './decoder.js';
import type { Encoder } from './encoder.js';
import { stringSize, varIntSize, varUintSize } from './sizes.js';

/** The tag byte (0..255, all distinct) of each kind of value in one configuration. */
export interface ValueTags {
  /** `null`. */
  readonly null: number;
  /** `false`. */
  readonly false: number;
  /** `true`. */
  readonly true: number;
  /** A safe integer other than `-0`, as a signed varint. */
  readonly int: number;
  /** Any other finite number, as a float64. */
  readonly float: number;
  /** A string. */
  readonly string: number;
  /** An array. */
  readonly array: number;
  /** A plain object (prototype `Object.prototype` or `null`). */
  readonly object: number;
  /** A `Uint8Array`; when absent, byte arrays are not values of this configuration. */
  readonly bytes?: number;
}

/**
 * The tag table of JSON-like values that both the state CRDTs' `jsonCodec` and the document's
 * stored values use, part of both formats (never renumber): 0 null, 1 false, 2 true, 3 safe
 * integer (signed varint), 4 other number (float64), 5 string, 6 array, 7 object.
 */
export const JSON_VALUE_TAGS: ValueTags = {
  null: 0,
  false: 1,
  true: 2,
  int: 3,
  float: 4,
  string: 5,
  array: 6,
  object: 7,
};

/**
 * Values of a configuration beyond JSON-like data (the document's "new container" values), each
 * written as its own tag and a payload this hook writes and reads. Allowed only as the top-level
 * value, never inside an array or object.
 */
export interface ValueExtension {
  /** The tag of an extension value (distinct from every tag of {@link ValueTags}). */
  readonly tag: number;
  /** True when `value` (an object that is not an array) is an extension value. */
  matches(value: object): boolean;
  /** Write the payload of `value` (after the tag). */
  write(enc: Encoder, value: object): void;
  /** The bytes {@link ValueExtension.write} writes for `value`. */
  size(value: object): number;
  /** Read a payload (after the tag); must be bounded and throw only `DecodeError`. */
  read(dec: Decoder): unknown;
}

/** A configuration of {@link TaggedValueCodec}. */
export interface TaggedValueOptions {
  /** What the values are called in error messages, e.g. `'presence value'`. */
  readonly name: string;
  /** The tag byte of each kind of value; `bytes` present allows byte arrays. */
  readonly tags: ValueTags;
  /**
   * Write object keys sorted (by UTF-16 code units), making the encoding canonical (equal
   * objects, equal bytes); otherwise in the object's own key order.
   */
  readonly sortKeys: boolean;
  /**
   * Most arrays and objects nested inside one another (the top-level value is at depth 0; an
   * array or object at depth `maxDepth` or deeper is refused). A positive integer, so that
   * cycles are refused and recursion is bounded.
   */
  readonly maxDepth: number;
  /** Most array elements plus object entries in one value, all levels together (default: no limit). */
  readonly maxNodes?: number;
  /** Read objects with a `null` prototype instead of `Object.prototype` (default `false`). */
  readonly nullPrototype?: boolean;
  /** Freeze the arrays and objects read, so a value read is immutable all the way down (default `false`). */
  readonly freeze?: boolean;
  /** Extension values, allowed at the top level only (default: none). */
  readonly extension?: ValueExtension;
}

// What a tag byte means, looked up in a 256-entry table built once per configuration.
const K_UNKNOWN = 0;
const K_NULL = 1;
const K_FALSE = 2;
const K_TRUE = 3;
const K_INT = 4;
const K_FLOAT = 5;
const K_STRING = 6;
const K_ARRAY = 7;
const K_OBJECT = 8;
const K_BYTES = 9;
const K_EXTENSION = 10;

const NO_TAG = -1;

function refuse(message: string): never {
  throw new AccordError('invalid-argument', message);
}

/**
 * A codec of tagged values configured by {@link TaggedValueOptions}. One class for every
 * configuration, with the tag table resolved into fields and a byte-indexed lookup table when it
 * is constructed, so the hot paths do no option lookups; they allocate nothing beyond the values
 * they read and the key list of each object they write. Not reentrant (the node budget of the
 * value being written or read lives on the instance; an extension must not call its own codec).
 */
export class TaggedValueCodec {
  private readonly name: string;
  private readonly tNull: number;
  private readonly tFalse: number;
  private readonly tTrue: number;
  private readonly tInt: number;
  private readonly tFloat: number;
  private readonly tString: number;
  private readonly tArray: number;
  private readonly tObject: number;
  private readonly tBytes: number;
  private readonly kinds: Uint8Array;
  private readonly sortKeys: boolean;
  private readonly maxDepth: number;
  private readonly maxNodes: number;
  private readonly nullPrototype: boolean;
  private readonly freeze: boolean;
  private readonly ext: ValueExtension | null;
  /** Elements and entries the value being written, sized or read may still hold. */
  private budget = 0;

  /** @throws {AccordError} `invalid-argument` for a tag outside 0..255, two equal tags or bad limits. */
  constructor(options: TaggedValueOptions) {
    const { tags } = options;
    this.name = options.name;
    this.tNull = tags.null;
    this.tFalse = tags.false;
    this.tTrue = tags.true;
    this.tInt = tags.int;
    this.tFloat = tags.float;
    this.tString = tags.string;
    this.tArray = tags.array;
    this.tObject = tags.object;
    this.tBytes = tags.bytes ?? NO_TAG;
    this.sortKeys = options.sortKeys;
    this.maxDepth = options.maxDepth;
    this.maxNodes = options.maxNodes ?? Number.POSITIVE_INFINITY;
    this.nullPrototype = options.nullPrototype ?? false;
    this.freeze = options.freeze ?? false;
    this.ext = options.extension ?? null;
    if (!Number.isSafeInteger(this.maxDepth) || this.maxDepth < 1)
      refuse('maxDepth must be a positive integer');
    if (!(this.maxNodes >= 0)) refuse('maxNodes must be >= 0');
    const kinds = new Uint8Array(256);
    const assign = (tag: number, kind: number): void => {
      if (!Number.isInteger(tag) || tag < 0 || tag > 255) refuse(`tag ${tag} is not a byte`);
      if (kinds[tag] !== K_UNKNOWN) refuse(`tag ${tag} is used twice`);
      kinds[tag] = kind;
    };
    assign(tags.null, K_NULL);
    assign(tags.false, K_FALSE);
    assign(tags.true, K_TRUE);
    assign(tags.int, K_INT);
    assign(tags.float, K_FLOAT);
    assign(tags.string, K_STRING);
    assign(tags.array, K_ARRAY);
    assign(tags.object, K_OBJECT);
    if (tags.bytes !== undefined) assign(tags.bytes, K_BYTES);
    if (this.ext !== null) assign(this.ext.tag, K_EXTENSION);
    this.kinds = kinds;
  }

  /**
   * Append `value`, nested at `depth` (default 0, the top level; extension values only there).
   * @throws {AccordError} `invalid-argument` for a value outside the configuration: `undefined`,
   * a function, symbol or bigint, a non-finite number, a non-plain object, an array hole, byte
   * arrays or extension values where not allowed, nesting deeper than `maxDepth` (cycles
   * included) or more than `maxNodes` elements. What was written before the refusal stays in
   * `enc`; callers that must not leave partial bytes check with {@link TaggedValueCodec.size}
   * first or discard the encoder.
   */
  write(enc: Encoder, value: unknown, depth = 0): void {
    this.budget = this.maxNodes;
    this.put(enc, value, depth);
  }

  /**
   * The exact number of bytes {@link TaggedValueCodec.write} appends for `value`, computed
   * without encoding.
   * @throws {AccordError} `invalid-argument` where {@link TaggedValueCodec.write} would.
   */
  size(value: unknown, depth = 0): number {
    this.budget = this.maxNodes;
    return this.sizeOf(value, depth);
  }

  /**
   * Read one value. Extension values are accepted at the top level when `allowExtension`
   * (default `true`) and the configuration has an extension; elsewhere they are `invalid`.
   * @throws {DecodeError} only (codes in the module documentation).
   */
  read(dec: Decoder, allowExtension = true): unknown {
    this.budget = this.maxNodes;
    return this.get(dec, 0, allowExtension);
  }

  /** Enter an array or object of `n` elements at `depth` while writing or sizing. */
  private enter(depth: number, n: number): void {
    if (depth >= this.maxDepth) refuse(`${this.name} nested deeper than ${this.maxDepth}`);
    this.budget -= n;
    if (this.budget < 0) refuse(`${this.name} has more than ${this.maxNodes} elements`);
  }

  /** The own keys of plain object `v` in write order, or a refusal for any other object. */
  private keysOf(v: object): string[] {
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) refuse(`${this.name}: objects must be plain objects`);
    const keys = Object.keys(v);
    return this.sortKeys ? keys.sort() : keys;
  }

  private put(enc: Encoder, v: unknown, depth: number): void {
    if (v === null) enc.writeU8(this.tNull);
    else if (v === false) enc.writeU8(this.tFalse);
    else if (v === true) enc.writeU8(this.tTrue);
    else if (typeof v === 'number') {
      if (Number.isSafeInteger(v) && !Object.is(v, -0)) {
        enc.writeU8(this.tInt);
        enc.writeVarInt(v);
      } else if (Number.isFinite(v)) {
        enc.writeU8(this.tFloat);
        enc.writeFloat64(v);
      } else refuse(`${this.name}: numbers must be finite`);
    } else if (typeof v === 'string') {
      enc.writeU8(this.tString);
      enc.writeString(v);
    } else if (typeof v === 'object') {
      if (Array.isArray(v)) {
        const n = v.length;
        this.enter(depth, n);
        enc.writeU8(this.tArray);
        enc.writeVarUint(n);
        // Holes read as undefined, which is refused.
        for (let i = 0; i < n; i++) this.put(enc, v[i], depth + 1);
      } else if (this.ext?.matches(v)) {
        if (depth !== 0) refuse(`${this.name}: extension value below the top level`);
        enc.writeU8(this.ext.tag);
        this.ext.write(enc, v);
      } else if (this.tBytes !== NO_TAG && v instanceof Uint8Array) {
        enc.writeU8(this.tBytes);
        enc.writeBytes(v);
      } else {
        const keys = this.keysOf(v);
        const n = keys.length;
        this.enter(depth, n);
        enc.writeU8(this.tObject);
        enc.writeVarUint(n);
        for (let i = 0; i < n; i++) {
          const k = keys[i] as string;
          enc.writeString(k);
          this.put(enc, (v as Record<string, unknown>)[k], depth + 1);
        }
      }
    } else refuse(`${this.name}: ${typeof v} is not a value`);
  }

  private sizeOf(v: unknown, depth: number): number {
    if (v === null || v === false || v === true) return 1;
    if (typeof v === 'number') {
      if (Number.isSafeInteger(v) && !Object.is(v, -0)) return 1 + varIntSize(v);
      if (Number.isFinite(v)) return 9;
      refuse(`${this.name}: numbers must be finite`);
    }
    if (typeof v === 'string') return 1 + stringSize(v);
    if (typeof v !== 'object') refuse(`${this.name}: ${typeof v} is not a value`);
    if (Array.isArray(v)) {
      const n = v.length;
      this.enter(depth, n);
      let size = 1 + varUintSize(n);
      for (let i = 0; i < n; i++) size += this.sizeOf(v[i], depth + 1);
      return size;
    }
    if (this.ext?.matches(v)) {
      if (depth !== 0) refuse(`${this.name}: extension value below the top level`);
      return 1 + this.ext.size(v);
    }
    if (this.tBytes !== NO_TAG && v instanceof Uint8Array) return 1 + varUintSize(v.length) + v.length;
    const keys = this.keysOf(v);
    const n = keys.length;
    this.enter(depth, n);
    let size = 1 + varUintSize(n);
    for (let i = 0; i < n; i++) {
      const k = keys[i] as string;
      size += stringSize(k) + this.sizeOf((v as Record<string, unknown>)[k], depth + 1);
    }
    return size;
  }

  /** Take the `n` elements or entries of an array or object being read from the budget. */
  private take(n: number): void {
    this.budget -= n;
    if (this.budget < 0)
      throw new DecodeError('too-large', `${this.name} has more than ${this.maxNodes} elements`);
  }

  private get(dec: Decoder, depth: number, allowExtension: boolean): unknown {
    const tag = dec.readU8();
    switch (this.kinds[tag]) {
      case K_NULL:
        return null;
      case K_FALSE:
        return false;
      case K_TRUE:
        return true;
      case K_INT:
        return dec.readVarInt();
      case K_FLOAT: {
        const f = dec.readFloat64();
        if (!Number.isFinite(f)) throw new DecodeError('invalid', `${this.name}: number is not finite`);
        return f;
      }
      case K_STRING:
        return dec.readString();
      case K_ARRAY: {
        if (depth >= this.maxDepth) throw new DecodeError('too-large', `${this.name} nested too deeply`);
        const n = dec.readCount(1);
        this.take(n);
        // push, not new Array(n): memory grows only with the elements actually read.
        const out: unknown[] = [];
        for (let i = 0; i < n; i++) out.push(this.get(dec, depth + 1, false));
        return this.freeze ? Object.freeze(out) : out;
      }
      case K_OBJECT: {
        if (depth >= this.maxDepth) throw new DecodeError('too-large', `${this.name} nested too deeply`);
        const n = dec.readCount(2);
        this.take(n);
        const out = this.nullPrototype ? this.readBare(dec, n, depth) : this.readPlain(dec, n, depth);
        return this.freeze ? Object.freeze(out) : out;
      }
      case K_BYTES:
        return dec.readBytes().slice();
      case K_EXTENSION:
        if (!allowExtension || depth !== 0) {
          throw new DecodeError('invalid', `${this.name}: extension value where none is allowed`);
        }
        return (this.ext as ValueExtension).read(dec);
      default:
        throw new DecodeError('bad-tag', `${this.name}: unknown tag ${tag}`);
    }
  }

  private readPlain(dec: Decoder, n: number, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      const k = dec.readString();
      // A key Object.prototype has ("__proto__" with its setter) becomes an own data property.
      setOwn(out, k, this.get(dec, depth + 1, false));
    }
    return out;
  }

  private readBare(dec: Decoder, n: number, depth: number): Record<string, unknown> {
    // No prototype, so no inherited setter: "__proto__" is an ordinary key.
    const out = Object.create(null) as Record<string, unknown>;
    for (let i = 0; i < n; i++) {
      const k = dec.readString();
      out[k] = this.get(dec, depth + 1, false);
    }
    return out;
  }
}
