/**
 * A growable binary writer with LEB128 varints, zigzag signed varints, UTF-8 strings and
 * length-prefixed byte arrays. Every Accord state, op, update and wire message is written with it.
 */

const textEncoder = new TextEncoder();

/** Appends binary values to a buffer that doubles when full. Not thread-safe; reuse is allowed after {@link Encoder.reset}. */
export class Encoder {
  private buf: Uint8Array;
  private pos = 0;

  constructor(initialCapacity = 64) {
    this.buf = new Uint8Array(Math.max(8, initialCapacity));
  }

  /** Number of bytes written so far. */
  get length(): number {
    return this.pos;
  }

  /** Forget everything written, keeping the allocated buffer. */
  reset(): void {
    this.pos = 0;
  }

  private ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** Write one byte (0..255). */
  writeU8(value: number): void {
    this.ensure(1);
    this.buf[this.pos++] = value & 0xff;
  }

  /**
   * Write a non-negative safe integer as an unsigned LEB128 varint (1 byte below 128, at most 8
   * bytes for 2^53 - 1). Throws `RangeError` for negative, fractional or unsafe numbers.
   */
  writeVarUint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`writeVarUint: ${value} is not a non-negative safe integer`);
    }
    this.ensure(8);
    const buf = this.buf;
    let pos = this.pos;
    while (value >= 0x80) {
      buf[pos++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    buf[pos++] = value;
    this.pos = pos;
  }

  /**
   * Write a safe integer (may be negative) as a signed varint: the first byte holds a
   * continuation bit, a sign bit and 6 bits of magnitude; later bytes hold 7 bits each.
   */
  writeVarInt(value: number): void {
    if (!Number.isSafeInteger(value)) {
      throw new RangeError(`writeVarInt: ${value} is not a safe integer`);
    }
    this.ensure(9);
    const buf = this.buf;
    let pos = this.pos;
    let m = Math.abs(value);
    const sign = value < 0 || Object.is(value, -0) ? 0x40 : 0;
    buf[pos++] = (m % 0x40) | sign | (m >= 0x40 ? 0x80 : 0);
    m = Math.floor(m / 0x40);
    while (m > 0) {
      buf[pos++] = (m % 0x80) | (m >= 0x80 ? 0x80 : 0);
      m = Math.floor(m / 0x80);
    }
    this.pos = pos;
  }

  /** Write an IEEE 754 double, little endian. */
  writeFloat64(value: number): void {
    this.ensure(8);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).setFloat64(0, value, true);
    this.pos += 8;
  }

  /** Write raw bytes with no length prefix. */
  writeRaw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** Write a varint length followed by the bytes. */
  writeBytes(bytes: Uint8Array): void {
    this.writeVarUint(bytes.length);
    this.writeRaw(bytes);
  }

  /** Write a string as a varint UTF-8 byte length followed by its UTF-8 bytes. */
  writeString(value: string): void {
    // Fast path for short ASCII strings, the common case for keys and single keystrokes.
    const n = value.length;
    if (n < 128) {
      let ascii = true;
      for (let i = 0; i < n; i++) {
        if (value.charCodeAt(i) > 0x7f) {
          ascii = false;
          break;
        }
      }
      if (ascii) {
        this.ensure(n + 1);
        this.buf[this.pos++] = n;
        for (let i = 0; i < n; i++) this.buf[this.pos++] = value.charCodeAt(i);
        return;
      }
    }
    this.writeBytes(textEncoder.encode(value));
  }

  /** Copy the bytes written so far into `target` at `offset` (which must have room for them). */
  copyTo(target: Uint8Array, offset: number): void {
    const n = this.pos;
    const buf = this.buf;
    // A short copy by hand: cheaper than the view object `set` needs.
    if (n <= 64) for (let i = 0; i < n; i++) target[offset + i] = buf[i] as number;
    else target.set(buf.subarray(0, n), offset);
  }

  /** A copy of the bytes written so far. */
  toBytes(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

/**
 * Write `n` as an unsigned LEB128 varint into `buf` at `pos` (the bytes {@link Encoder.writeVarUint}
 * writes), for writers that fill an exactly sized array; returns the position after it.
 */
export function putVarUint(buf: Uint8Array, pos: number, n: number): number {
  while (n >= 0x80) {
    buf[pos++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  buf[pos++] = n;
  return pos;
}
