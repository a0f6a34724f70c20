/**
 * The marks group of an update (format version 4): the formatting marks of one text
 * (`doc/marks.ts`), written apart from its characters so that plain text never pays for them.
 *
 * ```
 * u8 tag 3, u8 0 root (name) | 1 nested (holder client index, clock)
 * count, then per mark: u8 info, id, start anchor, end anchor, key, HLC wall, logical, value
 * ```
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
import type { Decoder } from '../encoding/decoder.js';
import type { Encoder } from '../encoding/encoder.js';
import { DecodeError } from '../errors.js';
import { MAX_CLOCK, readClock } from './group-codec.js';
import { type MarkRecord, NONE, type ParentRef, type UpdateRecord } from './records.js';
import { readValue, writeValue } from './values-codec.js';

/** Group tag of a marks group. */
export const G_MARKS = 3;

/** The first format version that has marks groups. */
export const MARKS_VERSION = 4;

const I_REMOVE = 1;
const I_START_AFTER = 2;
const I_END_AFTER = 16;
const I_START_EDGE = 32;
const I_END_EDGE = 64;
const I_END_NEAR = 128;

/** Largest HLC wall time and logical counter accepted (as for map entries). */
export const MAX_WALL = 2 ** 47;
export const MAX_LOGICAL = 2 ** 31;

/** The id mode of `r` after `prev` (see the module comment). */
function idMode(r: MarkRecord, prev: MarkRecord | null): number {
  if (prev === null || prev.client !== r.client) return 2;
  if (prev.clock + 1 === r.clock) return 0;
  if (r.clock + 1 === prev.clock) return 3;
  return 1;
}

/** Write the marks group of text `ref` (a root or nested text) with its marks in order. */
export function writeMarksGroup(
  body: Encoder,
  ref: ParentRef,
  records: readonly MarkRecord[],
  ci: (id: number) => number,
): void {
  body.writeU8(G_MARKS);
  if (ref.name !== null) {
    body.writeU8(0);
    body.writeString(ref.name);
  } else {
    body.writeU8(1);
    body.writeVarUint(ci(ref.client));
    body.writeVarUint(ref.clock);
  }
  body.writeVarUint(records.length);
  const keys = new Map<string, number>();
  let prev: MarkRecord | null = null;
  for (const r of records) {
    const mode = idMode(r, prev);
    const sEdge = r.sClient === NONE;
    const eEdge = r.eClient === NONE;
    const near = !sEdge && !eEdge && r.eClient === r.sClient;
    const sOwn = !sEdge && !r.sAfter && r.sClient === r.client;
    const info =
      (r.value === null ? I_REMOVE : 0) |
      ((!sEdge && r.sAfter) || sOwn ? I_START_AFTER : 0) |
      (sOwn ? I_START_EDGE : 0) |
      (mode << 2) |
      (!eEdge && r.eAfter ? I_END_AFTER : 0) |
      (sEdge ? I_START_EDGE : 0) |
      (eEdge ? I_END_EDGE : 0) |
      (near ? I_END_NEAR : 0);
    body.writeU8(info);
    if (mode === 1) body.writeVarInt(r.clock - ((prev as MarkRecord).clock + 1));
    else if (mode === 2) {
      body.writeVarUint(ci(r.client));
      body.writeVarUint(r.clock);
    }
    if (sOwn) body.writeVarInt(r.sClock - r.clock);
    else if (!sEdge) {
      body.writeVarUint(ci(r.sClient));
      body.writeVarUint(r.sClock);
    }
    if (near) body.writeVarInt(r.eClock - r.sClock);
    else if (!eEdge) {
      body.writeVarUint(ci(r.eClient));
      body.writeVarUint(r.eClock);
    }
    const k = keys.get(r.key);
    if (k !== undefined) body.writeVarUint(k);
    else {
      body.writeVarUint(0);
      body.writeString(r.key);
      keys.set(r.key, keys.size + 1);
    }
    body.writeVarInt(r.wall - (prev === null ? 0 : prev.wall));
    body.writeVarUint(r.logical);
    if (r.value !== null) writeValue(body, r.value);
    prev = r;
  }
}

/**
 * Read a marks group (its tag already read), appending its records.
 * @throws {DecodeError} for malformed input: an edge anchor with a side or a client, an empty key, an explicit `null` value, clocks or timestamps out of range.
 */
export function readMarksGroup(dec: Decoder, client: () => number, records: UpdateRecord[]): void {
  const form = dec.readU8();
  let parent: ParentRef;
  if (form === 0) parent = { name: dec.readString(), kind: 'text', client: NONE, clock: 0 };
  else if (form === 1) {
    const c = client();
    parent = { name: null, kind: 'text', client: c, clock: readClock(dec) };
  } else throw new DecodeError('bad-tag', `unknown marks group form ${form}`);
  // A mark takes at least its info byte, a key byte, its wall and logical time.
  const n = dec.readCount(4);
  const keys: string[] = [];
  let prev: MarkRecord | null = null;
  for (let i = 0; i < n; i++) {
    const info = dec.readU8();
    const mode = (info >> 2) & 3;
    let c: number;
    let clock: number;
    if (mode === 2) {
      c = client();
      clock = readClock(dec);
    } else {
      if (prev === null) throw new DecodeError('invalid', 'relative id without a previous record');
      c = prev.client;
      clock = mode === 3 ? prev.clock - 1 : prev.clock + 1 + (mode === 1 ? dec.readVarInt() : 0);
      if (clock < 0 || clock >= MAX_CLOCK) throw new DecodeError('overflow', 'clock out of range');
    }
    const sOwn = (info & (I_START_EDGE | I_START_AFTER)) === (I_START_EDGE | I_START_AFTER);
    const sEdge = !sOwn && (info & I_START_EDGE) !== 0;
    const eEdge = (info & I_END_EDGE) !== 0;
    if (eEdge && (info & I_END_AFTER) !== 0) throw new DecodeError('invalid', 'an edge anchor has no side');
    const near = (info & I_END_NEAR) !== 0;
    if (near && (sEdge || eEdge)) throw new DecodeError('invalid', 'an edge anchor has no client');
    let sClient: number;
    let sClock: number;
    if (sOwn) {
      sClient = c;
      sClock = clock + dec.readVarInt();
      if (sClock < 0 || sClock >= MAX_CLOCK) throw new DecodeError('overflow', 'clock out of range');
    } else {
      sClient = sEdge ? NONE : client();
      sClock = sEdge ? 0 : readClock(dec);
    }
    let eClient = NONE;
    let eClock = 0;
    if (near) {
      eClient = sClient;
      eClock = sClock + dec.readVarInt();
      if (eClock < 0 || eClock >= MAX_CLOCK) throw new DecodeError('overflow', 'clock out of range');
    } else if (!eEdge) {
      eClient = client();
      eClock = readClock(dec);
    }
    const k = dec.readVarUint();
    let key: string;
    if (k === 0) {
      key = dec.readString();
      if (key.length === 0) throw new DecodeError('invalid', 'empty mark key');
      keys.push(key);
    } else {
      const known = keys[k - 1];
      if (known === undefined) throw new DecodeError('invalid', `mark key ${k} not named before`);
      key = known;
    }
    const wall = (prev === null ? 0 : prev.wall) + dec.readVarInt();
    const logical = dec.readVarUint();
    if (wall < 0 || wall > MAX_WALL || logical >= MAX_LOGICAL)
      throw new DecodeError('invalid', 'timestamp out of range');
    let value: unknown = null;
    if ((info & I_REMOVE) === 0) {
      value = readValue(dec, false);
      if (value === null) throw new DecodeError('invalid', 'a null mark value is written as a removal');
    }
    const r: MarkRecord = {
      t: 4,
      client: c,
      clock,
      len: 1,
      parent,
      sClient,
      sClock,
      sAfter: sEdge || (!sOwn && (info & I_START_AFTER) !== 0),
      eClient,
      eClock,
      eAfter: !eEdge && (info & I_END_AFTER) !== 0,
      key,
      wall,
      logical,
      value,
    };
    records.push(r);
    prev = r;
  }
}
