/**
 * The marks group of an update (format version 4): the formatting marks of one text
 * (`doc/marks.ts`), written apart from its characters so that plain text never pays for them.
 *
 * ```
 * u8 tag 3, u8 form: 0 root (name) | 1 nested (holder client index, clock), plus 2 for columns,
 *   plus 4 (with 2) for the shapes layout, plus 8 (with 4) for anchors as positions
 * rows:    count, then per mark: u8 info, id, start anchor, end anchor, key, HLC wall, logical, value
 * columns: u8 mask, then 8 columns (info, id, start, end, key, time, repeat, value), each packed
 *          (`huffman.ts`) when its bit in the mask is set, else a varuint length and its bytes
 * shapes:  varuint mask, then 11 columns (`marks-shapes.ts`): head, shapes, id, start and end (each
 *          with a tail), key, time, value
 * ```
 *
 * Groups of at least 16 marks are written in the shapes layout when it is shorter than the rows
 * (rows on a tie), with anchors as positions when the update also holds the text's own group in
 * document order (a snapshot, `sync/snapshot.ts`); the column layout below (form 2 and 3) is no
 * longer written but still read. The fields of the rows and of the column layout are written and
 * read in `marks-fields.ts`.
 *
 * The column layout holds the same fields as the rows, each in its column (one info byte per
 * mark: the info column's length is the count), so that each column's bytes, which repeat a few
 * values (info bytes, key numbers, small clock deltas, `true`), can be Huffman-coded alone; its
 * time column writes a mark's logical time, when its wall time equals the previous mark's, as a
 * signed delta from the previous logical time plus one; its repeat column holds a byte per mark
 * (bit 0: the start anchor is the unit the previous mark's start names, bit 1: the same for the
 * end; such an anchor is not written again); and a key named for the first time as
 * how many code units (at most 32) it shares with the key named before it, then the rest (keys
 * such as `comment:17`, `comment:18` take a few bytes). Every column must be read to its end.
 *
 * Info byte: bit 0 the mark removes its key (no value follows), bit 1 the start anchor sits after
 * its unit, bits 2-3 id mode (as map records: 0 continues the previous record, 1 same client with
 * a signed clock delta, 2 client index and clock, 3 same client, ending where the previous record
 * starts), bit 4 the end anchor sits after its unit, bit 5 the start is the start of the text,
 * bit 6 the end is the end of the text, bit 7 the end anchor is a unit of the start anchor's
 * client (its clock written as a signed delta from the start's). A unit anchor is a client index
 * and a clock; an edge anchor writes nothing (and must have its own side: start after, end
 * before). Bits 5 and 1 together (a start edge with a side, which cannot be) mean the start anchor
 * sits before a unit of the mark's own replica, its clock written as a signed delta from the mark's
 * clock: a mark usually starts on text its author typed shortly before, so this takes one or two
 * bytes instead of a client index and a full clock. A key is `0` and the key as a string the first time the group names it, else `k` for
 * the k-th key the group named (1-based). The wall time is a signed delta from the previous mark's (0 for
 * the first). Values are
 * stored values (`values-codec.ts`) without containers; an explicit `null` value is refused (it is
 * written as bit 0), so every mark has one encoding.
 */
import { Decoder } from '../encoding/decoder.js';
import { Encoder } from '../encoding/encoder.js';
import { packBytes, unpackBytes } from '../encoding/huffman.js';
import { DecodeError } from '../errors.js';
import { readClock } from './group-codec.js';
import { type PendingAnchors, pendingAnchors, resolveAnchors } from './mark-anchors.js';
import { C_INFO, COLUMNS, readFields, writeFields } from './marks-fields.js';
import { SHAPE_COLUMNS, writeShapeFields } from './marks-shapes.js';
import { readShapeFields } from './marks-shapes-read.js';
import { type MarkRecord, NONE, type ParentRef, type UpdateRecord } from './records.js';

export { MAX_LOGICAL, MAX_WALL } from './marks-bits.js';

/** Group tag of a marks group. */
export const G_MARKS = 3;

/** The first format version that has marks groups. */
export const MARKS_VERSION = 4;

/** Groups with fewer marks are written in the row layout without trying the column layout. */
const COLUMNS_MIN = 16;

/** Form bits of a marks group: nested text, a column layout, the shapes layout, positions. */
const F_NESTED = 1;
const F_COLUMNS = 2;
const F_SHAPES = 4;
const F_POSITIONS = 8;

/**
 * Write the marks group of text `ref` (a root or nested text) with its marks in order;
 * `positions` (two per mark, the stored positions of its start and end units in the text's own
 * group of the same update, -1 for an edge) lets the shapes layout write anchors as positions.
 */
export function writeMarksGroup(
  body: Encoder,
  ref: ParentRef,
  records: readonly MarkRecord[],
  ci: (id: number) => number,
  positions: ArrayLike<number> | null = null,
): void {
  body.writeU8(G_MARKS);
  const holder = ref.name === null ? ci(ref.client) : 0;
  // Both layouts for a large group, the shorter written (rows on a tie): one input, one encoding.
  let laid: Uint8Array | null = null;
  let form = 0;
  if (records.length >= COLUMNS_MIN) {
    const cols: Encoder[] = [];
    for (let i = 0; i < SHAPE_COLUMNS; i++) cols.push(new Encoder(records.length * 2));
    writeShapeFields(cols, records, ci, positions);
    const shaped = packColumns(cols);
    const rows = new Encoder(records.length * 12);
    writeRows(rows, records, ci);
    if (shaped.length < rows.length) {
      form = F_COLUMNS | F_SHAPES | (positions !== null ? F_POSITIONS : 0);
      laid = shaped.toBytes();
    } else laid = rows.toBytes();
  }
  if (ref.name !== null) {
    body.writeU8(form);
    body.writeString(ref.name);
  } else {
    body.writeU8(form | F_NESTED);
    body.writeVarUint(holder);
    body.writeVarUint(ref.clock);
  }
  if (laid !== null) body.writeRaw(laid);
  else writeRows(body, records, ci);
}

/** The row layout: the count, then each mark's fields in turn. */
function writeRows(enc: Encoder, records: readonly MarkRecord[], ci: (id: number) => number): void {
  enc.writeVarUint(records.length);
  writeFields(new Array<Encoder>(COLUMNS).fill(enc), records, ci, false);
}

/**
 * The first column layout (form bit 1 alone): no longer written, read for the bytes written
 * before the shapes layout; kept so that tests can make such bytes.
 * @internal
 */
export function columnLayout(records: readonly MarkRecord[], ci: (id: number) => number): Encoder {
  const cols: Encoder[] = [];
  for (let i = 0; i < COLUMNS; i++) cols.push(new Encoder(records.length * 2));
  writeFields(cols, records, ci, true);
  return packColumns(cols);
}

/** Columns laid out: a byte of which columns are packed, then each column, packed or as bytes. */
function packColumns(cols: readonly Encoder[]): Encoder {
  const out = new Encoder(cols.length * 64);
  const parts: Uint8Array[] = [];
  let mask = 0;
  for (let i = 0; i < cols.length; i++) {
    const bytes = (cols[i] as Encoder).toBytes();
    const packed = packBytes(bytes);
    if (packed !== null) mask |= 1 << i;
    parts.push(packed ?? bytes);
  }
  // The first column layout's mask is a byte; the shapes layout's, over more columns, a varuint.
  if (cols.length > 8) out.writeVarUint(mask);
  else out.writeU8(mask);
  for (let i = 0; i < cols.length; i++) {
    const part = parts[i] as Uint8Array;
    if ((mask & (1 << i)) !== 0) out.writeRaw(part);
    else out.writeBytes(part);
  }
  return out;
}

/**
 * Read a marks group (its tag already read), appending its records; `clientOf` maps a client
 * index of the update to its replica id (throwing a `DecodeError` when out of range). A group
 * whose anchors are positions is added to `pending`: its anchors are filled in by
 * `resolveAnchors` once the text's units are known (refused without `pending`).
 * @throws {DecodeError} for malformed input: an edge anchor with a side or a client, an empty key, an explicit `null` value, clocks or timestamps out of range, columns longer or shorter than their marks.
 */
export function readMarksGroup(
  dec: Decoder,
  clientOf: (index: number) => number,
  records: UpdateRecord[],
  pending: PendingAnchors[] | null = null,
): void {
  const form = dec.readU8();
  const known =
    form < F_SHAPES || ((form & F_COLUMNS) !== 0 && (form < F_POSITIONS || (form & F_SHAPES) !== 0));
  if (!known || form >= 2 * F_POSITIONS) throw new DecodeError('bad-tag', `unknown marks group form ${form}`);
  let parent: ParentRef;
  if ((form & F_NESTED) === 0) parent = { name: dec.readString(), kind: 'text', client: NONE, clock: 0 };
  else {
    const c = clientOf(dec.readVarUint());
    parent = { name: null, kind: 'text', client: c, clock: readClock(dec) };
  }
  if ((form & F_COLUMNS) === 0) {
    // A mark takes at least its info byte, a key byte, its wall and logical time.
    const n = dec.readCount(4);
    readFields(new Array<Decoder>(COLUMNS).fill(dec), n, clientOf, parent, false, records);
    return;
  }
  const count = (form & F_SHAPES) !== 0 ? SHAPE_COLUMNS : COLUMNS;
  const mask = count > 8 ? dec.readVarUint() : dec.readU8();
  if (mask >= 1 << count) throw new DecodeError('bad-tag', `unknown marks column mask ${mask}`);
  const cols: Decoder[] = [];
  for (let i = 0; i < count; i++)
    cols.push(new Decoder((mask & (1 << i)) !== 0 ? unpackBytes(dec) : dec.readBytes()));
  if ((form & F_SHAPES) !== 0) {
    const group: MarkRecord[] = [];
    const anchors = pendingAnchors(group);
    readShapeFields(cols, clientOf, parent, (form & F_POSITIONS) !== 0, group, anchors);
    for (const col of cols) col.expectEnd();
    // Anchors by position wait for the text's units; the others are resolved now.
    if (anchors.positions) {
      if (pending === null) throw new DecodeError('invalid', 'mark anchor positions outside an update');
      pending.push(anchors);
    } else resolveAnchors(anchors, null);
    for (const r of group) records.push(r);
    return;
  }
  // One info byte per mark: the info column's length is the count (bounded by the input).
  const n = (cols[C_INFO] as Decoder).remaining;
  if (n === 0) throw new DecodeError('invalid', 'a marks group without marks');
  readFields(cols, n, clientOf, parent, true, records);
  for (const col of cols) col.expectEnd();
}
