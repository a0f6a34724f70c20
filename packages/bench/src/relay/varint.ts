/**
 * Minimal lib0-compatible varint/varString/varUint8Array reading and writing, for speaking the
 * Yjs/Hocuspocus wire format in the load generator without parsing whole messages.
 */

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** A growable byte writer. */
export class ByteWriter {
  private buf = new Uint8Array(64);
  private len = 0;

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** Unsigned LEB128 (non-negative safe integers). */
  varUint(n: number): this {
    this.ensure(8);
    while (n > 0x7f) {
      this.buf[this.len++] = (n % 128) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[this.len++] = n;
    return this;
  }

  /** Length-prefixed bytes. */
  varBytes(b: Uint8Array): this {
    this.varUint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  /** Length-prefixed UTF-8. */
  varString(s: string): this {
    return this.varBytes(utf8.encode(s));
  }

  /** A copy of what was written. */
  bytes(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** Thrown by {@link ByteReader} on truncated or overlong input. */
export class ByteReaderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ByteReaderError';
  }
}

/** A bounded reader over a byte array. */
export class ByteReader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}

  /** Reads an unsigned LEB128 (up to 2^53). @throws ByteReaderError */
  varUint(): number {
    let n = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      if (this.pos >= this.buf.length) throw new ByteReaderError('truncated varint');
      const b = this.buf[this.pos++] as number;
      n += (b & 0x7f) * mul;
      if (b < 0x80) return n;
      mul *= 128;
    }
    throw new ByteReaderError('varint too long');
  }

  /** Reads length-prefixed bytes as a view. @throws ByteReaderError */
  varBytes(): Uint8Array {
    const n = this.varUint();
    if (n > this.buf.length - this.pos) throw new ByteReaderError('truncated bytes');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Reads a length-prefixed UTF-8 string. @throws ByteReaderError */
  varString(): string {
    return utf8Decoder.decode(this.varBytes());
  }
}
