/**
 * Short ASCII strings read from bytes, shared while they repeat. Wire formats repeat a few short
 * strings in message after message (document ids, root names, map keys); building each one again
 * costs a new string per read, and the garbage collections that follow. A small direct-mapped
 * table hands back the string last read from the same bytes instead.
 *
 * The table is bounded (256 entries, strings under 64 bytes) whatever the input: hostile bytes can
 * only make entries miss, never grow it. A hit compares every byte, so what is returned always
 * equals what was read.
 */

/** Entries of the table (a power of two). */
const SLOTS = 256;

/** Longest string the table holds, in bytes. */
export const MAX_SHORT_STRING_BYTES = 63;

/** The table: `''` (length 0, never a hit) marks an empty slot. */
const table: string[] = new Array<string>(SLOTS).fill('');

/**
 * The string of the `n` bytes of `buf` at `start` when they are all ASCII (1 ≤ `n` ≤
 * {@link MAX_SHORT_STRING_BYTES}, in bounds: the caller checks), the same string object as the
 * last read of the same bytes when the table still holds it; `null` when some byte is not ASCII.
 */
export function readShortAscii(buf: Uint8Array, start: number, n: number): string | null {
  const end = start + n;
  if (n === 1) {
    const c = buf[start] as number;
    return c < 0x80 ? String.fromCharCode(c) : null;
  }
  // FNV-1a over every byte (ids and keys that repeat often differ in one byte only), checking
  // that each is ASCII on the way.
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    const c = buf[i] as number;
    if (c > 0x7f) return null;
    h = Math.imul(h ^ c, 0x01000193);
  }
  const slot = (h ^ (h >>> 16)) & (SLOTS - 1);
  const held = table[slot] as string;
  if (held.length === n) {
    let i = 0;
    while (i < n && held.charCodeAt(i) === buf[start + i]) i++;
    if (i === n) return held;
  }
  const s = String.fromCharCode.apply(null, buf.subarray(start, end) as unknown as number[]);
  table[slot] = s;
  return s;
}
