/**
 * The parse of the one-text snapshot fast path (`load-text.ts`): one pass over the bytes of a
 * snapshot holding exactly one root text (and its marks) into tombstone items, their fields as
 * columns, the text and the marks, with the varint reads inlined in the loops. Nothing here
 * touches a document. A shape the fast path does not take gives null or throws a `DecodeError`
 * ({@link NOT_FAST}, or the decoder's on malformed bytes); the caller turns either into "not
 * fast" and takes the general snapshot path.
 */

import { Decoder } from '../encoding/decoder.js';
import { DecodeError } from '../errors.js';
import {
  C_DELETED,
  C_DELETED1,
  C_LIVE,
  G_PACKED,
  G_RUNS,
  MAX_CLOCK,
  readGroupText,
  readRuns,
} from '../format/group-codec.js';
import { KIND_CODES } from '../format/kinds.js';
import type { PendingAnchors } from '../format/mark-anchors.js';
import { G_MARKS, MARKS_VERSION } from '../format/marks-codec.js';
import type { MarkRecord } from '../format/records.js';
import { MIN_UPDATE_VERSION, PACKED_TEXT_VERSION, UPDATE_VERSION } from '../format/update-codec.js';
import { Item, NO_CLIENT } from '../sequence/item.js';
import { readSnapshotMarks, unskipItems } from './load-text-marks.js';
import { columnsOf, newColumns, type RunColumns } from './order-columns.js';

/**
 * What {@link parseTextSnapshot} hands over: the root name, replica ids by client index, items,
 * text. @internal
 */
export interface Parsed {
  name: string;
  ids: number[];
  /**
   * The items, all made as tombstones (an item's length lives in its content until it has text):
   * `fill` (`load-text-order.ts`) gives the live ones their text.
   */
  items: Item[];
  /** The items' fields as columns (for the order check). */
  cols: RunColumns;
  /** Per item: 1 when it is live (its text is still to be filled in), 0 when deleted. */
  live: number[];
  text: string;
  /** Per client index: number of items and sum of their lengths. */
  counts: number[];
  sums: number[];
  /** The text's marks (clients as the document's indexes); empty without a marks group. */
  marks: MarkRecord[];
  /** Marks whose anchors are positions, resolved once the runs are in `tables` (`fill`). */
  pending: PendingAnchors[];
}

/** Thrown inside {@link parseTextSnapshot} for a shape the fast path does not take (caught, never escapes). */
const NOT_FAST = new DecodeError('invalid', 'not a one-text snapshot');

/**
 * Parse a one-text snapshot into items (client indexes: 0 = `ownId`, then table order); null
 * when the bytes are not one (or anything about them is unusual). @internal
 * @throws {DecodeError} on malformed bytes (the caller turns it into "not fast").
 */
export function parseTextSnapshot(bytes: Uint8Array, ownId: number): Parsed | null {
  const dec = new Decoder(bytes);
  const version = dec.readU8();
  if (version < MIN_UPDATE_VERSION || version > UPDATE_VERSION) return null;
  // A snapshot; bit 1: the text's clocks skip its marks' clocks (`skip-marks.ts`).
  const flags = dec.readU8();
  if (flags !== 1 && flags !== 3) return null;
  const nClients = dec.readCount(1);
  const ids: number[] = [ownId];
  const toIndex: number[] = [];
  for (let i = 0; i < nClients; i++) {
    const id = dec.readVarUint();
    if (id === ownId) toIndex.push(0);
    else {
      if (ids.includes(id)) return null;
      toIndex.push(ids.length);
      ids.push(id);
    }
  }
  const nGroups = dec.readVarUint();
  if (nGroups !== 1 && !(nGroups === 2 && version >= MARKS_VERSION)) return null;
  const byte = dec.readU8();
  const packed = (byte & G_PACKED) !== 0;
  if (packed && version < PACKED_TEXT_VERSION) return null;
  const tag = byte & ~G_PACKED;
  if ((tag !== 0 && tag !== G_RUNS) || dec.readU8() !== KIND_CODES.text) return null;
  const name = dec.readString();
  const n = tag === G_RUNS ? dec.readVarUint() : dec.readCount(2);
  // Info bytes written as runs (text typed backwards) are read first; `readRuns` bounds `n`.
  const infos = tag === G_RUNS ? readRuns(dec, n) : null;
  // The items' fields as columns too, for the order check (no getter call per field).
  const cols = newColumns(n);
  const items: Item[] = [];
  const liveFlags: number[] = [];
  const counts: number[] = new Array(ids.length).fill(0);
  const sums: number[] = new Array(ids.length).fill(0);
  let live = 0;
  // The records are read straight from `buf` at `pos`: a varint below 0x80 (nearly all of them)
  // is read inline, longer ones through `readVar`, which leaves the position after it in `varEnd`.
  const buf = bytes;
  const end = bytes.length;
  let pos = dec.offset;
  let b = 0;
  // The previous item's fields (its right origin before any "next item" fix-up).
  let pClient = -1;
  let pClock = 0;
  let pLen = 0;
  let pOrClient = NO_CLIENT;
  let pOrClock = 0;
  // Right origins named by record distance: (item index, hops) pairs resolved after the loop, and
  // the item the previous run's right origin hops to (-1 if none).
  const orHops: number[] = [];
  let pHopTarget = -1;
  let prev: Item | null = null;
  let orPending = false;
  for (let i = 0; i < n; i++) {
    let info: number;
    if (infos !== null) info = infos[i] as number;
    else {
      if (pos >= end) return null;
      info = buf[pos++] as number;
    }
    const content = info & 3;
    const idMode = (info >> 2) & 3;
    let len = 1;
    if (content === C_LIVE || content === C_DELETED) {
      b = pos < end ? (buf[pos] as number) : 0x80;
      if (b < 0x80) {
        len = b;
        pos++;
      } else {
        len = readVar(buf, pos);
        pos = varEnd;
      }
      if (len < 1) return null; // raw UTF-16 runs: general path
    }
    let c: number;
    let clock: number;
    if (idMode === 2) {
      let ci: number | undefined;
      b = pos < end ? (buf[pos] as number) : 0x80;
      if (b < 0x80) {
        ci = toIndex[b];
        pos++;
      } else {
        ci = toIndex[readVar(buf, pos)];
        pos = varEnd;
      }
      if (ci === undefined) return null;
      c = ci;
      b = pos < end ? (buf[pos] as number) : 0x80;
      if (b < 0x80) {
        clock = b;
        pos++;
      } else {
        clock = readVar(buf, pos);
        pos = varEnd;
      }
    } else {
      if (prev === null) return null;
      c = pClient;
      if (idMode === 3) clock = pClock - len;
      else if (idMode === 0) clock = pClock + pLen;
      else {
        b = pos < end ? (buf[pos] as number) : 0x80;
        if (b < 0x80) {
          // Signed varint: bit 6 is the sign.
          clock = pClock + pLen + (b & 0x40 ? -(b & 0x3f) : b & 0x3f);
          pos++;
        } else {
          clock = pClock + pLen + readVarInt(buf, pos);
          pos = varEnd;
        }
      }
    }
    if (!(clock >= 0 && clock + len <= MAX_CLOCK)) return null;
    const olMode = (info >> 4) & 3;
    let olClient = NO_CLIENT;
    let olClock = 0;
    if (olMode === 0) {
      if (prev === null) return null;
      olClient = pClient;
      olClock = pClock + pLen - 1;
    } else if (olMode === 2) {
      if (clock === 0) return null;
      olClient = c;
      olClock = clock - 1;
    } else if (olMode === 3) {
      olClock = readRef(buf, pos, c, clock, toIndex);
      olClient = refClient;
      pos = varEnd;
      if (refHops > 0) {
        if (refHops > i) return null;
        const p = items[items.length - refHops] as Item;
        olClient = p.client;
        olClock = p.clock + p.len - 1;
      }
    }
    const orMode = (info >> 6) & 3;
    let orClient = NO_CLIENT;
    let orClock = 0;
    let hopTarget = -1;
    if (orMode === 0) {
      if (i + 1 >= n) return null;
    } else if (orMode === 2) {
      orClock = readRef(buf, pos, c, clock, toIndex);
      orClient = refClient;
      pos = varEnd;
      if (refHops > 0) {
        if (i + refHops >= n) return null;
        hopTarget = items.length + refHops;
        orHops.push(items.length, refHops);
        orClient = NO_CLIENT;
        orClock = 0;
      }
    } else if (orMode === 3) {
      if (prev === null) return null;
      orClient = pOrClient;
      orClock = pOrClock;
      if (pHopTarget >= 0) {
        if (pHopTarget - items.length < 1) return null;
        hopTarget = pHopTarget;
        orHops.push(items.length, pHopTarget - items.length);
      }
    }
    const deleted = content === C_DELETED || content === C_DELETED1;
    if (!deleted) live += len;
    const item = new Item(c, clock, len, olClient, olClock, orClient, orClock, null);
    const at = items.length;
    cols.client[at] = c;
    cols.clock[at] = clock;
    cols.len[at] = len;
    cols.olClient[at] = olClient;
    cols.olClock[at] = olClock;
    cols.orClient[at] = orClient;
    cols.orClock[at] = orClock;
    items.push(item);
    liveFlags.push(deleted ? 0 : 1);
    counts[c] = (counts[c] as number) + 1;
    sums[c] = (sums[c] as number) + len;
    // The previous run's right origin is this run (written as "next").
    if (orPending) {
      (prev as Item).orClient = c;
      (prev as Item).orClock = clock;
      cols.orClient[at - 1] = c;
      cols.orClock[at - 1] = clock;
    }
    orPending = orMode === 0;
    prev = item;
    pClient = c;
    pClock = clock;
    pLen = len;
    pOrClient = orClient;
    pOrClock = orClock;
    pHopTarget = hopTarget;
  }
  for (let k = 0; k < orHops.length; k += 2) {
    const at = orHops[k] as number;
    const t = at + (orHops[k + 1] as number);
    const to = items[t] as Item;
    (items[at] as Item).orClient = to.client;
    (items[at] as Item).orClock = to.clock;
    cols.orClient[at] = cols.client[t] as number;
    cols.orClock[at] = cols.clock[t] as number;
  }
  dec.readRaw(pos - dec.offset);
  const text = readGroupText(dec, packed);
  if (text.length !== live) return null;
  let marks: MarkRecord[] = [];
  const pending: PendingAnchors[] = [];
  if (nGroups === 2) {
    // The text's marks: each takes one clock of its replica.
    if (dec.readU8() !== G_MARKS) return null;
    const read = readSnapshotMarks(dec, toIndex, name, pending);
    if (read === null) return null;
    marks = read;
    for (let k = 0; k < marks.length; k++) {
      const m = marks[k] as MarkRecord;
      counts[m.client] = (counts[m.client] as number) + 1;
      sums[m.client] = (sums[m.client] as number) + 1;
    }
  }
  if (dec.readVarUint() !== 0) return null;
  dec.expectEnd();
  if (flags === 3) {
    if (marks.length === 0) return null;
    const real = unskipItems(items, liveFlags, marks, counts);
    if (real === null) return null;
    const unskipped = real.items;
    return {
      name,
      ids,
      items: unskipped,
      cols: columnsOf(unskipped),
      live: real.live,
      text,
      counts,
      sums,
      marks,
      pending,
    };
  }
  return { name, ids, items, cols, live: liveFlags, text, counts, sums, marks, pending };
}

/** Position just after the last varint read by {@link readVar}, {@link readVarInt} or {@link readRef}. */
let varEnd = 0;
/** Client index of the last reference read by {@link readRef} (its clock is returned). */
let refClient = 0;
/** Records to hop for the last reference read by {@link readRef} that names a record by distance; 0 otherwise. */
let refHops = 0;

/**
 * Read an unsigned varint (as `Decoder.readVarUint`) at `pos`; the position after it goes to
 * {@link varEnd}.
 * @throws {DecodeError} when truncated, longer than 8 bytes or above 2^53 - 1.
 */
function readVar(buf: Uint8Array, pos: number): number {
  let result = 0;
  let mul = 1;
  for (let i = 0; i < 8; i++) {
    if (pos >= buf.length) throw NOT_FAST;
    const byte = buf[pos++] as number;
    result += (byte & 0x7f) * mul;
    if (byte < 0x80) {
      if (result > Number.MAX_SAFE_INTEGER) throw NOT_FAST;
      varEnd = pos;
      return result;
    }
    mul *= 0x80;
  }
  throw NOT_FAST;
}

/**
 * Read a signed varint (as `Decoder.readVarInt`) at `pos`; the position after it goes to
 * {@link varEnd}.
 * @throws {DecodeError} when truncated, longer than 9 bytes or beyond 2^53 - 1.
 */
function readVarInt(buf: Uint8Array, pos: number): number {
  if (pos >= buf.length) throw NOT_FAST;
  const first = buf[pos++] as number;
  let m = first & 0x3f;
  if (first & 0x80) {
    let mul = 0x40;
    for (let i = 0; ; i++) {
      if (i >= 8 || pos >= buf.length) throw NOT_FAST;
      const byte = buf[pos++] as number;
      m += (byte & 0x7f) * mul;
      if (byte < 0x80) break;
      mul *= 0x80;
    }
    if (m > Number.MAX_SAFE_INTEGER) throw NOT_FAST;
  }
  varEnd = pos;
  return first & 0x40 ? -m : m;
}

/**
 * Read a reference written by `writeRef` at `pos`: returns its clock, leaves its client index in
 * {@link refClient} and the position after it in {@link varEnd} (no array per reference).
 * @throws {DecodeError} on malformed bytes or an unknown client.
 */
function readRef(
  buf: Uint8Array,
  pos: number,
  ownClient: number,
  ownClock: number,
  toIndex: number[],
): number {
  const v = readVar(buf, pos);
  if (v === 1) {
    refHops = 0;
    const ci = toIndex[readVar(buf, varEnd)];
    if (ci === undefined) throw NOT_FAST;
    const clock = readVar(buf, varEnd);
    if (clock >= MAX_CLOCK) throw NOT_FAST;
    refClient = ci;
    return clock;
  }
  if (v % 2 !== 0) {
    // A record named by distance: the caller resolves it.
    refHops = (v - 1) / 2;
    refClient = NO_CLIENT;
    return 0;
  }
  refHops = 0;
  const z = v / 2;
  const d = z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  const clock = ownClock + d;
  if (!(clock >= 0 && clock < MAX_CLOCK)) throw NOT_FAST;
  refClient = ownClient;
  return clock;
}
