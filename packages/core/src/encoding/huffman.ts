/**
 * Canonical Huffman coding of a byte string, for the live text of large text groups (update
 * format version 3). Prose and code use a few dozen byte values with very uneven frequencies, so
 * an order-0 code takes 4.5–5.5 bits per byte of UTF-8: a document's text, usually most of its
 * encoding, shrinks by a third or more. Written here rather than taken from a library: core has no
 * runtime dependencies, the platform's `CompressionStream` is asynchronous (an encode is not), and
 * this is a hundred lines whose every byte of input is checked.
 *
 * Layout (see {@link packBytes}):
 *
 * ```
 * varuint n        bytes once unpacked (1 or more)
 * u8[32]           bitmap of the byte values used (bit v % 8 of byte v >> 3)
 * u8[ceil(m / 2)]  code length (1..12) of each used value, ascending by value, two per byte, high nibble first
 * varuint k        bytes of the bit stream: exactly ceil(total bits / 8)
 * u8[k]            the canonical codes, most significant bit first, padded with zero bits
 * ```
 *
 * Codes are canonical (assigned in order of length, then value), so the lengths alone describe
 * them and one input has one packed form: packing is deterministic and the decoder refuses any
 * other padding, so replicas that encode the same text write the same bytes.
 */

import { DecodeError } from '../errors.js';
import type { Decoder } from './decoder.js';
import { putVarUint } from './encoder.js';
import { varUintSize } from './sizes.js';

/** Longest code: the decode table has 2^MAX_LEN entries. */
const MAX_LEN = 12;
const TABLE_SIZE = 1 << MAX_LEN;

/**
 * Code lengths (0 for unused values) of a Huffman code for `freq`, none longer than
 * {@link MAX_LEN}: when the optimal code is deeper, the frequencies are halved (rounding up) and
 * the code rebuilt. Ties are broken by value, so the result depends on `freq` alone.
 */
function codeLengths(freq: Uint32Array): Uint8Array {
  const lens = new Uint8Array(256);
  const f = Float64Array.from(freq);
  for (;;) {
    const syms: number[] = [];
    for (let v = 0; v < 256; v++) if ((f[v] as number) > 0) syms.push(v);
    if (syms.length === 1) {
      lens[syms[0] as number] = 1;
      return lens;
    }
    syms.sort((a, b) => (f[a] as number) - (f[b] as number) || a - b);
    // Two-queue Huffman: leaves in ascending weight, internal nodes in creation order (also
    // ascending). Node i < m is leaf syms[i]; node m + j is the j-th internal node.
    const m = syms.length;
    const weight = new Float64Array(2 * m);
    const parent = new Int32Array(2 * m);
    for (let i = 0; i < m; i++) weight[i] = f[syms[i] as number] as number;
    let leaf = 0;
    let inner = m;
    let next = m;
    const take = (): number => {
      if (leaf < m && (inner >= next || (weight[leaf] as number) <= (weight[inner] as number))) return leaf++;
      return inner++;
    };
    while (next < 2 * m - 1) {
      const a = take();
      const b = take();
      weight[next] = (weight[a] as number) + (weight[b] as number);
      parent[a] = next;
      parent[b] = next;
      next++;
    }
    // Depths top-down: the root is node 2m - 2; a parent is always created after its children.
    const depth = new Uint8Array(2 * m);
    let deepest = 0;
    for (let i = 2 * m - 3; i >= 0; i--) {
      const d = (depth[parent[i] as number] as number) + 1;
      depth[i] = d;
      if (i < m && d > deepest) deepest = d;
    }
    if (deepest <= MAX_LEN) {
      for (let i = 0; i < m; i++) lens[syms[i] as number] = depth[i] as number;
      return lens;
    }
    for (let v = 0; v < 256; v++) if ((f[v] as number) > 0) f[v] = Math.ceil((f[v] as number) / 2);
  }
}

/** Canonical codes for `lens` (value order within a length); false when they overflow (Kraft sum > 1). */
function canonicalCodes(lens: Uint8Array, codes: Uint16Array): boolean {
  let code = 0;
  let prevLen = 0;
  for (let len = 1; len <= MAX_LEN; len++) {
    for (let v = 0; v < 256; v++) {
      if (lens[v] !== len) continue;
      code <<= len - prevLen;
      prevLen = len;
      if (code >= 1 << len) return false;
      codes[v] = code;
      code++;
    }
  }
  return true;
}

/**
 * Pack `bytes` (see the module comment), or null when the packed form would not be shorter than
 * the bytes written as they are (a varuint length, then the bytes).
 */
export function packBytes(bytes: Uint8Array): Uint8Array | null {
  const n = bytes.length;
  if (n === 0) return null;
  const freq = new Uint32Array(256);
  for (let i = 0; i < n; i++) {
    const b = bytes[i] as number;
    freq[b] = (freq[b] as number) + 1;
  }
  const lens = codeLengths(freq);
  let bits = 0;
  let used = 0;
  for (let v = 0; v < 256; v++) {
    bits += (freq[v] as number) * (lens[v] as number);
    if (lens[v] !== 0) used++;
  }
  const k = Math.ceil(bits / 8);
  const size = varUintSize(n) + 32 + Math.ceil(used / 2) + varUintSize(k) + k;
  if (size >= varUintSize(n) + n) return null;
  const codes = new Uint16Array(256);
  canonicalCodes(lens, codes);
  const out = new Uint8Array(size);
  let pos = putVarUint(out, 0, n);
  for (let v = 0; v < 256; v++) {
    const at = pos + (v >> 3);
    if (lens[v] !== 0) out[at] = (out[at] as number) | (1 << (v & 7));
  }
  pos += 32;
  let half = false;
  for (let v = 0; v < 256; v++) {
    const len = lens[v] as number;
    if (len === 0) continue;
    if (half) {
      out[pos] = (out[pos] as number) | len;
      pos++;
    } else out[pos] = len << 4;
    half = !half;
  }
  if (half) pos++;
  pos = putVarUint(out, pos, k);
  // code << 4 | length per value: one lookup per byte. Two bytes are flushed at once, so the
  // loop body stays short (a cold encode runs much of it before it is optimised).
  const entry = new Int32Array(256);
  for (let v = 0; v < 256; v++) entry[v] = ((codes[v] as number) << 4) | (lens[v] as number);
  let acc = 0;
  let nbits = 0;
  for (let i = 0; i < n; i++) {
    const e = entry[bytes[i] as number] as number;
    const len = e & 15;
    acc = (acc << len) | (e >> 4);
    nbits += len;
    if (nbits >= 16) {
      nbits -= 16;
      const two = acc >>> nbits;
      out[pos++] = two >> 8;
      out[pos++] = two;
      acc &= (1 << nbits) - 1;
    }
  }
  if (nbits >= 8) {
    nbits -= 8;
    out[pos++] = acc >>> nbits;
    acc &= (1 << nbits) - 1;
  }
  if (nbits > 0) out[pos++] = acc << (8 - nbits);
  return out;
}

/**
 * Read a packed byte string written by {@link packBytes}. Every field is checked before it is
 * used: the unpacked length against the bits available (each code is at least one bit, so the
 * output is at most 8 times the input), the lengths against the code space, every code against
 * the table, and the stream's exact length and zero padding.
 * @throws {DecodeError} for any malformed or non-canonical input.
 */
export function unpackBytes(dec: Decoder): Uint8Array {
  const n = dec.readVarUint();
  if (n === 0) throw new DecodeError('invalid', 'packed text of length 0');
  const bitmap = dec.readRaw(32);
  let used = 0;
  for (let i = 0; i < 32; i++) {
    let b = bitmap[i] as number;
    while (b !== 0) {
      used += b & 1;
      b >>= 1;
    }
  }
  if (used === 0) throw new DecodeError('invalid', 'packed text uses no byte value');
  const packedLens = dec.readRaw(Math.ceil(used / 2));
  const lens = new Uint8Array(256);
  let j = 0;
  for (let v = 0; v < 256; v++) {
    if (((bitmap[v >> 3] as number) & (1 << (v & 7))) === 0) continue;
    const byte = packedLens[j >> 1] as number;
    const len = (j & 1) === 0 ? byte >> 4 : byte & 15;
    if (len < 1 || len > MAX_LEN) throw new DecodeError('invalid', `code length ${len} out of range`);
    lens[v] = len;
    j++;
  }
  if ((used & 1) === 1 && ((packedLens[used >> 1] as number) & 15) !== 0)
    throw new DecodeError('invalid', 'packed text: nonzero padding nibble');
  const codes = new Uint16Array(256);
  if (!canonicalCodes(lens, codes)) throw new DecodeError('invalid', 'code lengths overflow the code space');
  const k = dec.readVarUint();
  const stream = dec.readRaw(k);
  if (n > 8 * k) throw new DecodeError('invalid', `packed text of ${n} bytes in ${k} bytes of codes`);
  // entry = value | length << 8 for every 12-bit window starting with that value's code; 0 = no code.
  const table = new Uint16Array(TABLE_SIZE);
  for (let v = 0; v < 256; v++) {
    const len = lens[v] as number;
    if (len === 0) continue;
    const from = (codes[v] as number) << (MAX_LEN - len);
    table.fill(v | (len << 8), from, from + (1 << (MAX_LEN - len)));
  }
  const out = new Uint8Array(n);
  let acc = 0;
  let nbits = 0;
  let pos = 0;
  let i = 0;
  // Two values per lookup where their codes fit in one window (most of them in text): value 1,
  // value 2, total length and count in one entry; 0 where no code starts the window.
  const pairs = new Int32Array(TABLE_SIZE);
  for (let w = 0; w < TABLE_SIZE; w++) {
    const e1 = table[w] as number;
    const l1 = e1 >> 8;
    if (l1 === 0) continue;
    const e2 = table[(w << l1) & (TABLE_SIZE - 1)] as number;
    const l2 = e2 >> 8;
    pairs[w] =
      l2 !== 0 && l1 + l2 <= MAX_LEN
        ? (e1 & 0xff) | ((e2 & 0xff) << 8) | ((l1 + l2) << 16) | (2 << 24)
        : (e1 & 0xff) | (l1 << 16) | (1 << 24);
  }
  // Fast loop while a full window and room for two values remain; the exact loop below ends it.
  for (;;) {
    if (nbits < MAX_LEN) {
      if (pos + 1 >= k) break;
      acc = (acc << 16) | ((stream[pos] as number) << 8) | (stream[pos + 1] as number);
      pos += 2;
      nbits += 16;
    }
    if (i + 1 >= n) break;
    const e = pairs[(acc >>> (nbits - MAX_LEN)) & (TABLE_SIZE - 1)] as number;
    if (e === 0) throw new DecodeError('invalid', 'packed text: no such code');
    out[i] = e;
    out[i + 1] = e >> 8; // overwritten by the next value when this entry holds one
    i += e >>> 24;
    nbits -= (e >> 16) & 0xff;
    acc &= (1 << nbits) - 1;
  }
  for (; i < n; i++) {
    while (nbits < MAX_LEN && pos < k) {
      acc = (acc << 8) | (stream[pos++] as number);
      nbits += 8;
    }
    const window = nbits >= MAX_LEN ? acc >>> (nbits - MAX_LEN) : acc << (MAX_LEN - nbits);
    const entry = table[window & (TABLE_SIZE - 1)] as number;
    const len = entry >> 8;
    if (len === 0 || len > nbits) throw new DecodeError('invalid', 'packed text: no such code');
    out[i] = entry & 0xff;
    nbits -= len;
    acc &= (1 << nbits) - 1;
  }
  if (pos !== k || nbits >= 8 || acc !== 0)
    throw new DecodeError('invalid', 'packed text: stream length or padding is not canonical');
  return out;
}
