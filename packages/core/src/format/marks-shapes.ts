/**
 * The shapes layout of a marks group (form bit 2; `marks-codec.ts` has the group's header and the
 * other layouts, `marks-shapes-read.ts` the reader): eleven columns, each Huffman-coded when
 * shorter (`huffman.ts`).
 *
 * ```
 * varuint mask (bit i: column i is packed), then the columns:
 *   head    per mark a varuint: the number of its shape; one past the shapes named so far names
 *           a new shape, read from the shapes column
 *   shapes  per new shape: u8 info, u8 anchor byte, varuint pair
 *   id, id tail, start, start tail, end, end tail   numbers split in two (`split-varint.ts`)
 *   key, time, value
 * ```
 *
 * A mark's shape is what it shares with many others: its info byte (as in the other layouts), its
 * anchor byte and its pair. One symbol per mark for all of them lets the Huffman code of the head
 * column take what they have in common (a removal of `italic` after one of `bold`, both over the
 * same words, one tick later) in a few bits, where separate columns pay at least a bit each.
 *
 * Anchor byte: bit 0 the start anchor is the unit the previous mark's start names; bits 1-3 `k`
 * (1-7): the end anchor is the unit the end of the mark `k` before names (not written again);
 * bit 4 the time is the previous mark's wall time and its logical time plus one (nothing written).
 *
 * Pair: the key and value the mark sets (a removal: the key and no value). 0 a pair not named
 * before in the group (the key column then holds the key as in the column layout: `k` for the
 * k-th key named before, or 0, the code units shared with the last new key and the rest; the
 * value column its value unless it is a removal); 1 the same, its value written as how many bytes
 * (1 to 64) it shares with the last new value of the same key, the length of the rest and the
 * rest (links to one site), when that is shorter; `k + 1` (2 to 15) the k-th pair named before;
 * 16: the pair's number follows in the key column (15 or more). Pairs whose value is an object or
 * array are not numbered: marks share a pair's value, which must then be immutable, and naming a
 * large value again must not cost its decoding again.
 *
 * Ids as in the other layouts (info bits 2-3), their numbers split. Anchors (`mark-anchors.ts`):
 * a start on the mark's own replica before its unit is a signed clock delta from the mark's clock
 * (info bits 1 and 5 both set). Without form bit 3 the other starts and ends are as in the column
 * layout (client index and clock; an end near its start a clock delta). With form bit 3
 * (snapshots) they are positions in the stored order of the text's own group: a start its
 * position, an end the signed distance from its start's position (from 0 after a start edge);
 * the info bit "near" is then never set. Time as in the column layout unless bit 4 says it.
 */
import { Encoder } from '../encoding/encoder.js';
import { varUintSize } from '../encoding/sizes.js';
import { writeSplitInt, writeSplitUint } from '../encoding/split-varint.js';
import { I_END_NEAR, I_START_AFTER, I_START_EDGE, infoByte, sharedPrefix } from './marks-bits.js';
import { type MarkRecord, NONE } from './records.js';
import { writeValue } from './values-codec.js';

/** Column: per mark its shape's number. */
export const C_HEAD = 0;
/** Column: the shapes, as first named. */
export const C_SHAPES = 1;
/** Columns: ids (lead bytes and tails). */
export const C_ID = 2;
export const C_ID_TAIL = 3;
/** Columns: start anchors (lead bytes and tails). */
export const C_START = 4;
export const C_START_TAIL = 5;
/** Columns: end anchors (lead bytes and tails). */
export const C_END = 6;
export const C_END_TAIL = 7;
/** Column: keys of new pairs (and pair numbers written apart). */
export const C_KEY = 8;
/** Column: times not repeated. */
export const C_TIME = 9;
/** Column: values of new pairs. */
export const C_VALUE = 10;
/** Number of columns. */
export const SHAPE_COLUMNS = 11;

/** Anchor byte: the start repeats the previous mark's. */
export const A_START = 1;
/** Anchor byte: where the distance of the mark whose end is repeated sits. */
export const A_END_SHIFT = 1;
/** How far back an end may repeat another mark's end. */
export const END_WINDOW = 7;
/** Anchor byte: the time follows the previous mark's. */
export const A_TIME = 16;
/** Anchor byte: every bit that has a meaning. */
export const A_ALL = 31;

/** Pair field of a shape: a new pair; a new pair whose value shares a prefix with the last one. */
const P_NEW = 0;
/** Pair field of a shape: a new pair whose value shares a prefix with the last one of its key. */
export const P_NEW_SHARED = 1;
/** Pair fields from 2 name the pair numbered one less; this one: the number follows. */
export const PAIR_INLINE = 16;
/** Longest prefix a new value's bytes share with the last new value's of the same key. */
export const MAX_SHARED_VALUE = 64;
/** No value bytes (a key without a new value before). */
export const NO_BYTES = new Uint8Array(0);

/** True for a value that marks may share (immutable: not an object or array). */
export function shareable(v: unknown): boolean {
  return v === null || typeof v !== 'object';
}

/** How many leading bytes (at most {@link MAX_SHARED_VALUE}) `b` shares with `a`. */
function sharedBytes(a: Uint8Array, b: Uint8Array): number {
  const max = Math.min(a.length, b.length, MAX_SHARED_VALUE);
  let p = 0;
  while (p < max && a[p] === b[p]) p++;
  return p;
}

/** A string naming a key and a value's bytes (null: a removal), for the pair table. */
function pairKey(key: string, value: Uint8Array | null): string {
  let s = `${value === null ? 'r' : 'v'}${key.length}:${key}`;
  if (value !== null) for (let i = 0; i < value.length; i++) s += String.fromCharCode(value[i] as number);
  return s;
}

/**
 * Write the fields of `records` to the shapes layout's columns; `positions` (two per mark: the
 * stored position of its start and end unit, -1 for an edge) writes anchors as positions.
 */
export function writeShapeFields(
  cols: readonly Encoder[],
  records: readonly MarkRecord[],
  ci: (id: number) => number,
  positions: ArrayLike<number> | null,
): void {
  const head = cols[C_HEAD] as Encoder;
  const shapeCol = cols[C_SHAPES] as Encoder;
  const ids = cols[C_ID] as Encoder;
  const idTail = cols[C_ID_TAIL] as Encoder;
  const start = cols[C_START] as Encoder;
  const startTail = cols[C_START_TAIL] as Encoder;
  const end = cols[C_END] as Encoder;
  const endTail = cols[C_END_TAIL] as Encoder;
  const keyCol = cols[C_KEY] as Encoder;
  const time = cols[C_TIME] as Encoder;
  const values = cols[C_VALUE] as Encoder;
  const shapes = new Map<number, number>();
  const pairs = new Map<string, number>();
  const keys = new Map<string, number>();
  const scratch = new Encoder(64);
  let lastNew = '';
  const lastValue = new Map<string, Uint8Array>();
  let prev: MarkRecord | null = null;
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as MarkRecord;
    const info = infoByte(r, prev, positions === null);
    const sEdge = r.sClient === NONE;
    const eEdge = r.eClient === NONE;
    const sOwn = (info & (I_START_EDGE | I_START_AFTER)) === (I_START_EDGE | I_START_AFTER);
    const sSame = prev !== null && !sEdge && r.sClient === prev.sClient && r.sClock === prev.sClock;
    let eBack = 0;
    for (let k = 1; !eEdge && k <= END_WINDOW && k <= i; k++) {
      const o = records[i - k] as MarkRecord;
      if (o.eClient === r.eClient && o.eClock === r.eClock) {
        eBack = k;
        break;
      }
    }
    const tSame = prev !== null && r.wall === prev.wall && r.logical === prev.logical + 1;
    const anchor = (sSame ? A_START : 0) | (eBack << A_END_SHIFT) | (tSame ? A_TIME : 0);
    scratch.reset();
    if (r.value !== null) writeValue(scratch, r.value);
    const valueBytes = r.value === null ? null : scratch.toBytes();
    const pk = pairKey(r.key, valueBytes);
    const pair = pairs.get(pk);
    // A new value shares a prefix with the last new value when that is shorter (links to one site).
    const shared = valueBytes === null ? 0 : sharedBytes(lastValue.get(r.key) ?? NO_BYTES, valueBytes);
    const prefixed =
      valueBytes !== null &&
      shared > 0 &&
      varUintSize(shared) + varUintSize(valueBytes.length - shared) + valueBytes.length - shared <
        valueBytes.length;
    const field = pair !== undefined ? Math.min(pair + 1, PAIR_INLINE) : prefixed ? P_NEW_SHARED : P_NEW;
    const sk = info | (anchor << 8) | (field << 16);
    let shape = shapes.get(sk);
    if (shape === undefined) {
      shape = shapes.size;
      shapes.set(sk, shape);
      shapeCol.writeU8(info);
      shapeCol.writeU8(anchor);
      shapeCol.writeVarUint(field);
    }
    head.writeVarUint(shape);
    const mode = (info >> 2) & 3;
    if (mode === 1) writeSplitInt(ids, idTail, r.clock - ((prev as MarkRecord).clock + 1));
    else if (mode === 2) {
      writeSplitUint(ids, idTail, ci(r.client));
      writeSplitUint(ids, idTail, r.clock);
    }
    if (!sSame && !sEdge) {
      if (sOwn) writeSplitInt(start, startTail, r.sClock - r.clock);
      else if (positions !== null) writeSplitUint(start, startTail, positions[2 * i] as number);
      else {
        writeSplitUint(start, startTail, ci(r.sClient));
        writeSplitUint(start, startTail, r.sClock);
      }
    }
    if (eBack === 0 && !eEdge) {
      if (positions !== null) {
        const from = sEdge ? 0 : (positions[2 * i] as number);
        writeSplitInt(end, endTail, (positions[2 * i + 1] as number) - from);
      } else if ((info & I_END_NEAR) !== 0) writeSplitInt(end, endTail, r.eClock - r.sClock);
      else {
        writeSplitUint(end, endTail, ci(r.eClient));
        writeSplitUint(end, endTail, r.eClock);
      }
    }
    if (field === PAIR_INLINE) keyCol.writeVarUint(pair as number);
    if (pair === undefined) {
      // Only pairs whose value marks may share are named again.
      if (shareable(r.value)) pairs.set(pk, pairs.size + 1);
      const k = keys.get(r.key);
      if (k !== undefined) keyCol.writeVarUint(k);
      else {
        keyCol.writeVarUint(0);
        const p = sharedPrefix(lastNew, r.key);
        keyCol.writeVarUint(p);
        keyCol.writeString(p === 0 ? r.key : r.key.slice(p));
        lastNew = r.key;
        keys.set(r.key, keys.size + 1);
      }
      if (valueBytes !== null) {
        if (prefixed) {
          values.writeVarUint(shared);
          values.writeVarUint(valueBytes.length - shared);
          values.writeRaw(valueBytes.subarray(shared));
        } else values.writeRaw(valueBytes);
        lastValue.set(r.key, valueBytes.slice());
      }
    }
    if (!tSame) {
      const dWall = r.wall - (prev === null ? 0 : prev.wall);
      time.writeVarInt(dWall);
      if (prev !== null && dWall === 0) time.writeVarInt(r.logical - (prev.logical + 1));
      else time.writeVarUint(r.logical);
    }
    prev = r;
  }
}
