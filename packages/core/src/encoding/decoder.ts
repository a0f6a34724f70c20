/**
 * A bounded binary reader for untrusted bytes. Every read checks the bytes left before it
 * allocates or loops, and every failure is a {@link DecodeError}: no other exception, no hang,
 * no allocation larger than the input justifies.
 */
import { DecodeError } from '../errors.js';
import { MAX_SHORT_STRING_BYTES, readShortAscii } from './short-strings.js';

const textDecoder = new TextDecoder('utf-8', { fatal: true });

/** Reads values written by {@link Encoder} from a byte array, front to back. */
export class Decoder {
  private buf: Uint8Array;
  private pos = 0;

  constructor(bytes: Uint8Array) {
    this.buf = bytes;
  }

  /**
   * Read `bytes` from their start from now on (a decoder reused across inputs: no allocation per
   * input, and one instance that lives on, so code optimized for decoders is not discarded when
   * a garbage collection finds every other one dead).
   */
  reset(bytes: Uint8Array): void {
    this.buf = bytes;
    this.pos = 0;
  }

  /** Bytes not yet read. */
  get remaining(): number {
    return this.buf.length - this.pos;
  }

  /** Current read offset. */
  get offset(): number {
    return this.pos;
  }

  /** The bytes read since offset `from` (a view, not a copy). */
  readSince(from: number): Uint8Array {
    return this.buf.subarray(Math.min(Math.max(from, 0), this.pos), this.pos);
  }

  /** True when every byte has been read. */
  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  /** Throw `trailing-bytes` unless the input was consumed exactly. */
  expectEnd(): void {
    if (this.pos !== this.buf.length) {
      throw new DecodeError('trailing-bytes', `${this.buf.length - this.pos} unexpected trailing bytes`);
    }
  }

  /** The next byte, without reading it.
   * @throws {DecodeError} `truncated` at the end of the input. */
  peekU8(): number {
    if (this.pos >= this.buf.length) throw new DecodeError('truncated', 'unexpected end of input');
    return this.buf[this.pos] as number;
  }

  /** Read one byte. */
  readU8(): number {
    if (this.pos >= this.buf.length) throw new DecodeError('truncated', 'unexpected end of input');
    return this.buf[this.pos++] as number;
  }

  /** Read an unsigned varint; rejects values above 2^53 - 1 with `overflow`. */
  readVarUint(): number {
    const buf = this.buf;
    let pos = this.pos;
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      if (pos >= buf.length) throw new DecodeError('truncated', 'unexpected end of input in varint');
      const byte = buf[pos++] as number;
      result += (byte & 0x7f) * mul;
      if (byte < 0x80) {
        if (result > Number.MAX_SAFE_INTEGER) throw new DecodeError('overflow', 'varint exceeds 2^53 - 1');
        this.pos = pos;
        return result;
      }
      mul *= 0x80;
    }
    throw new DecodeError('overflow', 'varint longer than 8 bytes');
  }

  /** Read a signed varint written by `Encoder.writeVarInt`; rejects magnitudes above 2^53 - 1. */
  readVarInt(): number {
    const first = this.readU8();
    let m = first & 0x3f;
    const negative = (first & 0x40) !== 0;
    if (first & 0x80) {
      const buf = this.buf;
      let pos = this.pos;
      let mul = 0x40;
      for (let i = 0; ; i++) {
        if (i >= 8) throw new DecodeError('overflow', 'signed varint longer than 9 bytes');
        if (pos >= buf.length) throw new DecodeError('truncated', 'unexpected end of input in varint');
        const byte = buf[pos++] as number;
        m += (byte & 0x7f) * mul;
        if (byte < 0x80) break;
        mul *= 0x80;
      }
      if (m > Number.MAX_SAFE_INTEGER) throw new DecodeError('overflow', 'signed varint exceeds 2^53 - 1');
      this.pos = pos;
    }
    return negative ? -m : m;
  }

  /**
   * Read a count (of elements that each take at least `minBytesEach` bytes) and check it against
   * the bytes left, so a hostile length cannot make the caller allocate or loop beyond the input.
   */
  readCount(minBytesEach = 1, max = Number.MAX_SAFE_INTEGER): number {
    const n = this.readVarUint();
    if (n > max) throw new DecodeError('too-large', `count ${n} exceeds the limit ${max}`);
    if (minBytesEach > 0 && n * minBytesEach > this.remaining) {
      throw new DecodeError('truncated', `count ${n} needs more bytes than the ${this.remaining} left`);
    }
    return n;
  }

  /** Read a little-endian IEEE 754 double. */
  readFloat64(): number {
    if (this.remaining < 8) throw new DecodeError('truncated', 'unexpected end of input in float64');
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getFloat64(0, true);
    this.pos += 8;
    return v;
  }

  /** Read `n` raw bytes (a view into the input, not a copy). */
  readRaw(n: number): Uint8Array {
    if (!Number.isSafeInteger(n) || n < 0 || n > this.remaining) {
      throw new DecodeError('truncated', `need ${n} bytes, ${this.remaining} left`);
    }
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Read a varint length and that many bytes (a view into the input). */
  readBytes(): Uint8Array {
    return this.readRaw(this.readVarUint());
  }

  /**
   * Read a length-prefixed UTF-8 string of at most `max` bytes; the length is checked before
   * anything is decoded (`too-large`, naming `what`), invalid UTF-8 is `bad-utf8`.
   */
  readBoundedString(max: number, what: string): string {
    const start = this.pos;
    const n = this.readVarUint();
    if (n > max) throw new DecodeError('too-large', `${what} of ${n} bytes exceeds ${max}`);
    this.pos = start;
    try {
      return this.readString();
    } catch (e) {
      if (e instanceof DecodeError && e.code === 'bad-utf8')
        throw new DecodeError('bad-utf8', `${what} is not valid UTF-8`);
      throw e;
    }
  }

  /** Read a length-prefixed UTF-8 string; invalid UTF-8 is `bad-utf8`. */
  readString(): string {
    const n = this.readVarUint();
    if (n > this.remaining)
      throw new DecodeError('truncated', `string of ${n} bytes, ${this.remaining} left`);
    if (n === 0) return '';
    const buf = this.buf;
    const start = this.pos;
    if (n <= MAX_SHORT_STRING_BYTES) {
      const ascii = readShortAscii(buf, start, n);
      if (ascii !== null) {
        this.pos += n;
        return ascii;
      }
    }
    const s = decodeUtf8(buf.subarray(start, start + n), 'string');
    this.pos += n;
    return s;
  }
}

/**
 * `bytes` as a string, refusing anything that is not UTF-8 with `DecodeError('bad-utf8')` naming
 * `what`.
 */
export function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return textDecoder.decode(bytes);
  } catch {
    throw new DecodeError('bad-utf8', `${what} is not valid UTF-8`);
  }
}

/**
 * Run `fn` on a decoder over `bytes` and turn any non-{@link DecodeError} thrown inside (a bug
 * or a hostile shape the decoder did not foresee) into `DecodeError('invalid')`, so callers of
 * public decode functions only ever see `DecodeError`.
 */
export function decodeWith<T>(bytes: Uint8Array, fn: (d: Decoder) => T): T {
  if (!(bytes instanceof Uint8Array)) throw new DecodeError('invalid', 'input is not a Uint8Array');
  const d = new Decoder(bytes);
  try {
    const out = fn(d);
    d.expectEnd();
    return out;
  } catch (e) {
    if (e instanceof DecodeError) throw e;
    throw new DecodeError('invalid', `malformed input: ${e instanceof Error ? e.message : String(e)}`);
  }
}
