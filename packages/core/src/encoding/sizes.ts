/**
 * Exact byte counts of what {@link Encoder} writes, computed without writing: for callers that
 * weigh values against byte limits (the relay's presence limits) without encoding them.
 */
import type { Encoder } from './encoder.js';
import { utf8Length } from './utf16.js';

/** Bytes of an unsigned LEB128 varint, as {@link Encoder.writeVarUint} writes `n`. */
export function varUintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    size++;
  }
  return size;
}

/** Bytes of a signed varint, as {@link Encoder.writeVarInt} writes `v` (6 bits in the first byte). */
export function varIntSize(v: number): number {
  let m = Math.floor(Math.abs(v) / 0x40);
  let size = 1;
  while (m > 0) {
    m = Math.floor(m / 0x80);
    size++;
  }
  return size;
}

/** Bytes of a length-prefixed UTF-8 string, as {@link Encoder.writeString} writes `s`. */
export function stringSize(s: string): number {
  const n = utf8Length(s);
  return varUintSize(n) + n;
}
