/**
 * Integers split over two byte streams: a "lead" byte per number that says how many bytes follow
 * and holds its top bits, and whole low bytes, most significant first, in a "tail" stream. For
 * columns that are Huffman-coded byte by byte (`huffman.ts`), such as the anchors of marks: the
 * lead column's bytes (small numbers, and the size and top bits of large ones) have a skewed
 * distribution a Huffman code captures, while the low bytes of large numbers, near random, are
 * kept apart (as the first byte of a varint they would blur the code of the small numbers) and
 * carry eight bits each, no continuation bit.
 *
 * ```
 * unsigned lead: 0xxxxxxx the number (below 128)
 *                1nnntttt n + 1 tail bytes follow (n < 7), t the top four bits
 * signed lead:   0sxxxxxx s the sign, x the magnitude (below 64)
 *                1snnnttt n + 1 tail bytes follow (n < 7), t the top three bits of the magnitude
 * tail:          the low bytes, most significant first
 * ```
 *
 * Magnitudes are at most 2^53 - 1; a number written with more bytes than it needs, and a negative
 * zero, are refused (each number has one form).
 */
import { DecodeError } from '../errors.js';
import type { Decoder } from './decoder.js';
import type { Encoder } from './encoder.js';

/** Most tail bytes of one number. */
const MAX_TAIL = 7;

/** Write the low `n` bytes of `v`, most significant first. */
function writeTail(tail: Encoder, v: number, n: number): void {
  for (let k = n - 1; k >= 0; k--) tail.writeU8(Math.floor(v / 2 ** (8 * k)) % 256);
}

/** Read `n` tail bytes after the top bits `top`; refuses a result above 2^53 - 1. */
function readTail(tail: Decoder, top: number, n: number): number {
  let v = top;
  for (let k = 0; k < n; k++) v = v * 256 + tail.readU8();
  if (v > Number.MAX_SAFE_INTEGER) throw new DecodeError('overflow', 'split number above 2^53 - 1');
  return v;
}

/** Write `v` (a safe non-negative integer) as a lead byte and its tail. */
export function writeSplitUint(lead: Encoder, tail: Encoder, v: number): void {
  if (v < 0x80) {
    lead.writeU8(v);
    return;
  }
  let n = 1;
  while (v >= 2 ** (4 + 8 * n)) n++;
  lead.writeU8(0x80 | ((n - 1) << 4) | Math.floor(v / 2 ** (8 * n)));
  writeTail(tail, v, n);
}

/** Write `v` (a safe integer) as a signed lead byte and its tail. */
export function writeSplitInt(lead: Encoder, tail: Encoder, v: number): void {
  const m = Math.abs(v);
  const sign = v < 0 ? 0x40 : 0;
  if (m < 0x40) {
    lead.writeU8(sign | m);
    return;
  }
  let n = 1;
  while (m >= 2 ** (3 + 8 * n)) n++;
  lead.writeU8(0x80 | sign | ((n - 1) << 3) | Math.floor(m / 2 ** (8 * n)));
  writeTail(tail, m, n);
}

/**
 * Read a number written by {@link writeSplitUint}.
 * @throws {DecodeError} when truncated, too large or not in its shortest form.
 */
export function readSplitUint(lead: Decoder, tail: Decoder): number {
  const b = lead.readU8();
  if (b < 0x80) return b;
  const n = ((b >> 4) & 7) + 1;
  if (n > MAX_TAIL) throw new DecodeError('overflow', 'split number too long');
  const v = readTail(tail, b & 15, n);
  if (v < (n === 1 ? 0x80 : 2 ** (4 + 8 * (n - 1))))
    throw new DecodeError('invalid', 'split number not in its shortest form');
  return v;
}

/**
 * Read a number written by {@link writeSplitInt}.
 * @throws {DecodeError} when truncated, too large or not in its shortest form.
 */
export function readSplitInt(lead: Decoder, tail: Decoder): number {
  const b = lead.readU8();
  const negative = (b & 0x40) !== 0;
  let m: number;
  if (b < 0x80) {
    m = b & 0x3f;
    if (negative && m === 0) throw new DecodeError('invalid', 'split number negative zero');
  } else {
    const n = ((b >> 3) & 7) + 1;
    if (n > MAX_TAIL) throw new DecodeError('overflow', 'split number too long');
    m = readTail(tail, b & 7, n);
    if (m < (n === 1 ? 0x40 : 2 ** (3 + 8 * (n - 1))))
      throw new DecodeError('invalid', 'split number not in its shortest form');
  }
  return negative ? -m : m;
}
