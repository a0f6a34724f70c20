/**
 * The fields of each mark in the row layout and the first column layout of a marks group (both
 * described in `marks-codec.ts`, which writes the group's header and picks the layout): one writer
 * and one reader serve both layouts, the row layout passing one encoder or decoder for every column.
 */
import type { Decoder } from '../encoding/decoder.js';
import type { Encoder } from '../encoding/encoder.js';
import { DecodeError } from '../errors.js';
import { MAX_CLOCK, readClock } from './group-codec.js';
import {
  checkMarkTime,
  I_END_AFTER,
  I_END_EDGE,
  I_END_NEAR,
  I_REMOVE,
  I_START_AFTER,
  I_START_EDGE,
  infoByte,
  MAX_SHARED,
  markRecord,
  sharedPrefix,
} from './marks-bits.js';
import { type MarkRecord, NONE, type ParentRef, type UpdateRecord } from './records.js';
import { readValue, writeValue } from './values-codec.js';

/**
 * Columns of the column layout, in the order they are written; the info column's length is the
 * count of marks.
 * @internal
 */
export const C_INFO = 0;
const C_ID = 1;
const C_START = 2;
const C_END = 3;
const C_KEY = 4;
const C_TIME = 5;
const C_SAME = 6;
const C_VALUE = 7;
/**
 * Number of columns of the column layout.
 * @internal
 */
export const COLUMNS = 8;

/** Bits of the column layout's repeat column: the start / end anchor is the previous mark's. */
const S_START = 1;
const S_END = 2;

/**
 * Write the fields of every mark, each to its column's encoder in `cols` (all one encoder in the
 * row layout). `predict`: the column layout's logical time (see `marks-codec.ts`).
 * @internal
 */
export function writeFields(
  cols: readonly Encoder[],
  records: readonly MarkRecord[],
  ci: (id: number) => number,
  predict: boolean,
): void {
  const info = cols[C_INFO] as Encoder;
  const ids = cols[C_ID] as Encoder;
  const start = cols[C_START] as Encoder;
  const end = cols[C_END] as Encoder;
  const keyCol = cols[C_KEY] as Encoder;
  const time = cols[C_TIME] as Encoder;
  const values = cols[C_VALUE] as Encoder;
  const same = cols[C_SAME] as Encoder;
  const keys = new Map<string, number>();
  let lastNew = '';
  let prev: MarkRecord | null = null;
  for (const r of records) {
    const byte = infoByte(r, prev, true);
    info.writeU8(byte);
    const mode = (byte >> 2) & 3;
    const sEdge = r.sClient === NONE;
    const eEdge = r.eClient === NONE;
    const near = (byte & I_END_NEAR) !== 0;
    const sOwn = !sEdge && !r.sAfter && r.sClient === r.client;
    if (mode === 1) ids.writeVarInt(r.clock - ((prev as MarkRecord).clock + 1));
    else if (mode === 2) {
      ids.writeVarUint(ci(r.client));
      ids.writeVarUint(r.clock);
    }
    // Column layout: an anchor on the unit the previous mark's anchor (same end) names is not
    // written again (a format of several keys, a typing run's marks, an unformat of both).
    const sSame =
      predict && prev !== null && !sEdge && r.sClient === prev.sClient && r.sClock === prev.sClock;
    const eSame =
      predict && prev !== null && !eEdge && r.eClient === prev.eClient && r.eClock === prev.eClock;
    if (predict) same.writeU8((sSame ? S_START : 0) | (eSame ? S_END : 0));
    if (sSame) {
      // Written by a mark before.
    } else if (sOwn) start.writeVarInt(r.sClock - r.clock);
    else if (!sEdge) {
      start.writeVarUint(ci(r.sClient));
      start.writeVarUint(r.sClock);
    }
    if (eSame) {
      // Written by a mark before.
    } else if (near) end.writeVarInt(r.eClock - r.sClock);
    else if (!eEdge) {
      end.writeVarUint(ci(r.eClient));
      end.writeVarUint(r.eClock);
    }
    const k = keys.get(r.key);
    if (k !== undefined) keyCol.writeVarUint(k);
    else {
      keyCol.writeVarUint(0);
      if (predict) {
        const p = sharedPrefix(lastNew, r.key);
        keyCol.writeVarUint(p);
        keyCol.writeString(p === 0 ? r.key : r.key.slice(p));
        lastNew = r.key;
      } else keyCol.writeString(r.key);
      keys.set(r.key, keys.size + 1);
    }
    const dWall = r.wall - (prev === null ? 0 : prev.wall);
    time.writeVarInt(dWall);
    if (predict && prev !== null && dWall === 0) time.writeVarInt(r.logical - (prev.logical + 1));
    else time.writeVarUint(r.logical);
    if (r.value !== null) writeValue(values, r.value);
    prev = r;
  }
}

/**
 * Read the fields of `n` marks from their columns (all one decoder in the row layout).
 * @internal
 */
export function readFields(
  cols: readonly Decoder[],
  n: number,
  clientOf: (index: number) => number,
  parent: ParentRef,
  predict: boolean,
  records: UpdateRecord[],
): void {
  const info0 = cols[C_INFO] as Decoder;
  const ids = cols[C_ID] as Decoder;
  const start = cols[C_START] as Decoder;
  const end = cols[C_END] as Decoder;
  const keyCol = cols[C_KEY] as Decoder;
  const time = cols[C_TIME] as Decoder;
  const values = cols[C_VALUE] as Decoder;
  const same = cols[C_SAME] as Decoder;
  const keys: string[] = [];
  let lastNew = '';
  let prev: MarkRecord | null = null;
  for (let i = 0; i < n; i++) {
    const info = info0.readU8();
    const mode = (info >> 2) & 3;
    let c: number;
    let clock: number;
    if (mode === 2) {
      c = clientOf(ids.readVarUint());
      clock = readClock(ids);
    } else {
      if (prev === null) throw new DecodeError('invalid', 'relative id without a previous record');
      c = prev.client;
      clock = mode === 3 ? prev.clock - 1 : prev.clock + 1 + (mode === 1 ? ids.readVarInt() : 0);
      if (clock < 0 || clock >= MAX_CLOCK) throw new DecodeError('overflow', 'clock out of range');
    }
    const sOwn = (info & (I_START_EDGE | I_START_AFTER)) === (I_START_EDGE | I_START_AFTER);
    const sEdge = !sOwn && (info & I_START_EDGE) !== 0;
    const eEdge = (info & I_END_EDGE) !== 0;
    if (eEdge && (info & I_END_AFTER) !== 0) throw new DecodeError('invalid', 'an edge anchor has no side');
    const near = (info & I_END_NEAR) !== 0;
    if (near && (sEdge || eEdge)) throw new DecodeError('invalid', 'an edge anchor has no client');
    const repeats = predict ? same.readU8() : 0;
    if (repeats > (S_START | S_END))
      throw new DecodeError('invalid', `unknown anchor repeat bits ${repeats}`);
    const sSame = (repeats & S_START) !== 0;
    const eSame = (repeats & S_END) !== 0;
    if (
      (sSame && (sEdge || prev === null || prev.sClient === NONE)) ||
      (eSame && (eEdge || prev === null || prev.eClient === NONE))
    )
      throw new DecodeError('invalid', 'an anchor repeats no unit anchor');
    let sClient: number;
    let sClock: number;
    if (sSame) {
      sClient = (prev as MarkRecord).sClient;
      sClock = (prev as MarkRecord).sClock;
      if (sOwn && sClient !== c)
        throw new DecodeError('invalid', 'a repeated start is not on the mark’s replica');
    } else if (sOwn) {
      sClient = c;
      sClock = clock + start.readVarInt();
      if (sClock < 0 || sClock >= MAX_CLOCK) throw new DecodeError('overflow', 'clock out of range');
    } else {
      sClient = sEdge ? NONE : clientOf(start.readVarUint());
      sClock = sEdge ? 0 : readClock(start);
    }
    let eClient = NONE;
    let eClock = 0;
    if (eSame) {
      eClient = (prev as MarkRecord).eClient;
      eClock = (prev as MarkRecord).eClock;
      if (near && eClient !== sClient)
        throw new DecodeError('invalid', 'a repeated end is not near its start');
    } else if (near) {
      eClient = sClient;
      eClock = sClock + end.readVarInt();
      if (eClock < 0 || eClock >= MAX_CLOCK) throw new DecodeError('overflow', 'clock out of range');
    } else if (!eEdge) {
      eClient = clientOf(end.readVarUint());
      eClock = readClock(end);
    }
    const k = keyCol.readVarUint();
    let key: string;
    if (k === 0) {
      if (predict) {
        const p = keyCol.readVarUint();
        if (p > MAX_SHARED || p > lastNew.length)
          throw new DecodeError('invalid', 'mark key prefix too long');
        key = lastNew.slice(0, p) + keyCol.readString();
        lastNew = key;
      } else key = keyCol.readString();
      if (key.length === 0) throw new DecodeError('invalid', 'empty mark key');
      keys.push(key);
    } else {
      const known = keys[k - 1];
      if (known === undefined) throw new DecodeError('invalid', `mark key ${k} not named before`);
      key = known;
    }
    const dWall = time.readVarInt();
    const wall = (prev === null ? 0 : prev.wall) + dWall;
    const logical =
      predict && prev !== null && dWall === 0 ? prev.logical + 1 + time.readVarInt() : time.readVarUint();
    checkMarkTime(wall, logical);
    let value: unknown = null;
    if ((info & I_REMOVE) === 0) {
      value = readValue(values, false);
      if (value === null) throw new DecodeError('invalid', 'a null mark value is written as a removal');
    }
    const r = markRecord(info, c, clock, parent, sClient, sClock, eClient, eClock, key, wall, logical, value);
    records.push(r);
    prev = r;
  }
}
