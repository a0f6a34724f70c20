/**
 * The reader of the shapes layout of marks groups (the layout is described in `marks-shapes.ts`).
 */
import { Decoder } from '../encoding/decoder.js';
import { readSplitInt, readSplitUint } from '../encoding/split-varint.js';
import { DecodeError } from '../errors.js';
import { MAX_CLOCK } from './group-codec.js';
import {
  E_EDGE,
  E_NEAR,
  E_POS,
  E_REPEAT,
  E_REPEAT_NEAR,
  E_SET,
  type PendingAnchors,
  S_EDGE,
  S_POS,
  S_REPEAT,
  S_REPEAT_OWN,
  S_SET,
} from './mark-anchors.js';
import {
  checkMarkTime,
  I_END_AFTER,
  I_END_EDGE,
  I_END_NEAR,
  I_REMOVE,
  I_START_AFTER,
  I_START_EDGE,
  MAX_SHARED,
  markRecord,
} from './marks-bits.js';
import {
  A_ALL,
  A_END_SHIFT,
  A_START,
  A_TIME,
  C_END,
  C_END_TAIL,
  C_HEAD,
  C_ID,
  C_ID_TAIL,
  C_KEY,
  C_SHAPES,
  C_START,
  C_START_TAIL,
  C_TIME,
  C_VALUE,
  END_WINDOW,
  MAX_SHARED_VALUE,
  NO_BYTES,
  P_NEW_SHARED,
  PAIR_INLINE,
  shareable,
} from './marks-shapes.js';
import { type MarkRecord, NONE, type ParentRef } from './records.js';
import { readValue } from './values-codec.js';

/** A pair of the table: its key and its value (null for a removal; never an object). */
interface Pair {
  key: string;
  value: unknown;
}

/** A clock written by {@link writeSplitUint}, refused at or above `MAX_CLOCK`. */
function splitClock(lead: Decoder, tail: Decoder): number {
  const c = readSplitUint(lead, tail);
  if (c >= MAX_CLOCK) throw new DecodeError('overflow', 'clock out of range');
  return c;
}

/**
 * Read the marks of the shapes layout from its columns, appending them to `out` with their
 * anchors described in `pending` (resolved later, `mark-anchors.ts`); `positions`: form bit 3.
 * @throws {DecodeError} for malformed input (see `marks-shapes.ts` and `marks-codec.ts`).
 */
export function readShapeFields(
  cols: readonly Decoder[],
  clientOf: (index: number) => number,
  parent: ParentRef,
  positions: boolean,
  out: MarkRecord[],
  pending: PendingAnchors,
): void {
  const head = cols[C_HEAD] as Decoder;
  const shapeCol = cols[C_SHAPES] as Decoder;
  const ids = cols[C_ID] as Decoder;
  const idTail = cols[C_ID_TAIL] as Decoder;
  const start = cols[C_START] as Decoder;
  const startTail = cols[C_START_TAIL] as Decoder;
  const end = cols[C_END] as Decoder;
  const endTail = cols[C_END_TAIL] as Decoder;
  const keyCol = cols[C_KEY] as Decoder;
  const time = cols[C_TIME] as Decoder;
  const values = cols[C_VALUE] as Decoder;
  const shapes: number[] = [];
  const pairs: Pair[] = [];
  const keys: string[] = [];
  let lastNew = '';
  const lastValue = new Map<string, Uint8Array>();
  let prev: MarkRecord | null = null;
  const first = out.length;
  if (head.remaining === 0) throw new DecodeError('invalid', 'a marks group without marks');
  while (head.remaining > 0) {
    const s = head.readVarUint();
    if (s === shapes.length) {
      const info = shapeCol.readU8();
      const anchor = shapeCol.readU8();
      const field = shapeCol.readVarUint();
      if (anchor > A_ALL) throw new DecodeError('invalid', `unknown mark anchor bits ${anchor}`);
      if (field > PAIR_INLINE) throw new DecodeError('invalid', `unknown mark pair ${field}`);
      shapes.push(info | (anchor << 8) | (field << 16));
    } else if (s > shapes.length) throw new DecodeError('invalid', `mark shape ${s} not named before`);
    const shape = shapes[s] as number;
    const info = shape & 0xff;
    const anchor = (shape >> 8) & 0xff;
    const field = shape >> 16;
    const mode = (info >> 2) & 3;
    let c: number;
    let clock: number;
    if (mode === 2) {
      c = clientOf(readSplitUint(ids, idTail));
      clock = splitClock(ids, idTail);
    } else {
      if (prev === null) throw new DecodeError('invalid', 'relative id without a previous record');
      c = prev.client;
      clock = mode === 3 ? prev.clock - 1 : prev.clock + 1 + (mode === 1 ? readSplitInt(ids, idTail) : 0);
      if (clock < 0 || clock >= MAX_CLOCK) throw new DecodeError('overflow', 'clock out of range');
    }
    const sOwn = (info & (I_START_EDGE | I_START_AFTER)) === (I_START_EDGE | I_START_AFTER);
    const sEdge = !sOwn && (info & I_START_EDGE) !== 0;
    const eEdge = (info & I_END_EDGE) !== 0;
    if (eEdge && (info & I_END_AFTER) !== 0) throw new DecodeError('invalid', 'an edge anchor has no side');
    const near = (info & I_END_NEAR) !== 0;
    if (near && (sEdge || eEdge || positions))
      throw new DecodeError('invalid', 'an edge anchor has no client');
    const sSame = (anchor & A_START) !== 0;
    const eBack = (anchor >> A_END_SHIFT) & END_WINDOW;
    if ((sSame && (sEdge || prev === null)) || (eBack > 0 && (eEdge || eBack > out.length - first)))
      throw new DecodeError('invalid', 'an anchor repeats no unit anchor');
    let sClient = NONE;
    let sClock = 0;
    let sKind = S_EDGE;
    let sValue = 0;
    if (sSame) sKind = sOwn ? S_REPEAT_OWN : S_REPEAT;
    else if (sOwn) {
      sKind = S_SET;
      sClient = c;
      sClock = clock + readSplitInt(start, startTail);
      if (sClock < 0 || sClock >= MAX_CLOCK) throw new DecodeError('overflow', 'clock out of range');
    } else if (!sEdge) {
      if (positions) {
        sKind = S_POS;
        sValue = readSplitUint(start, startTail);
        pending.positions = true;
      } else {
        sKind = S_SET;
        sClient = clientOf(readSplitUint(start, startTail));
        sClock = splitClock(start, startTail);
      }
    }
    let eClient = NONE;
    let eClock = 0;
    let eKind = E_EDGE;
    let eValue = 0;
    if (eBack > 0) {
      eKind = near ? E_REPEAT_NEAR : E_REPEAT;
      eValue = eBack;
    } else if (positions && !eEdge) {
      eKind = E_POS;
      eValue = readSplitInt(end, endTail);
      pending.positions = true;
    } else if (near) {
      eKind = E_NEAR;
      eValue = readSplitInt(end, endTail);
    } else if (!eEdge) {
      eKind = E_SET;
      eClient = clientOf(readSplitUint(end, endTail));
      eClock = splitClock(end, endTail);
    }
    let number = field - 1;
    if (field === PAIR_INLINE) {
      number = keyCol.readVarUint();
      if (number < PAIR_INLINE - 1) throw new DecodeError('invalid', `mark pair ${number} written apart`);
    }
    let pair: Pair;
    if (field <= P_NEW_SHARED) {
      const k = keyCol.readVarUint();
      let key: string;
      if (k === 0) {
        const p = keyCol.readVarUint();
        if (p > MAX_SHARED || p > lastNew.length)
          throw new DecodeError('invalid', 'mark key prefix too long');
        key = lastNew.slice(0, p) + keyCol.readString();
        if (key.length === 0) throw new DecodeError('invalid', 'empty mark key');
        lastNew = key;
        keys.push(key);
      } else {
        const known = keys[k - 1];
        if (known === undefined) throw new DecodeError('invalid', `mark key ${k} not named before`);
        key = known;
      }
      let value: unknown = null;
      if ((info & I_REMOVE) === 0) {
        let bytes: Uint8Array;
        if (field === P_NEW_SHARED) {
          const p = values.readVarUint();
          const last = lastValue.get(key) ?? NO_BYTES;
          if (p === 0 || p > MAX_SHARED_VALUE || p > last.length)
            throw new DecodeError('invalid', 'mark value prefix out of range');
          const rest = values.readRaw(values.readCount(1));
          bytes = new Uint8Array(p + rest.length);
          bytes.set(last.subarray(0, p));
          bytes.set(rest, p);
          const one = new Decoder(bytes);
          value = readValue(one, false);
          one.expectEnd();
        } else {
          const from = values.offset;
          value = readValue(values, false);
          bytes = values.readSince(from);
        }
        if (value === null) throw new DecodeError('invalid', 'a null mark value is written as a removal');
        lastValue.set(key, bytes);
      } else if (field === P_NEW_SHARED) throw new DecodeError('invalid', 'a removal has no value to share');
      pair = { key, value };
      // Only pairs whose value marks may share are named again (as the writer numbers them).
      if (shareable(value)) pairs.push(pair);
    } else {
      const known = pairs[number - 1];
      if (known === undefined) throw new DecodeError('invalid', `mark pair ${number} not named before`);
      if ((known.value === null) !== ((info & I_REMOVE) !== 0))
        throw new DecodeError('invalid', 'a mark’s pair and removal bit disagree');
      pair = known;
    }
    const value = pair.value;
    let wall: number;
    let logical: number;
    if ((anchor & A_TIME) !== 0) {
      if (prev === null) throw new DecodeError('invalid', 'a repeated time without a previous mark');
      wall = prev.wall;
      logical = prev.logical + 1;
    } else {
      const dWall = time.readVarInt();
      wall = (prev === null ? 0 : prev.wall) + dWall;
      logical = prev !== null && dWall === 0 ? prev.logical + 1 + time.readVarInt() : time.readVarUint();
    }
    checkMarkTime(wall, logical);
    const r = markRecord(
      info,
      c,
      clock,
      parent,
      sClient,
      sClock,
      eClient,
      eClock,
      pair.key,
      wall,
      logical,
      value,
    );
    out.push(r);
    pending.sKind.push(sKind);
    pending.sValue.push(sValue);
    pending.eKind.push(eKind);
    pending.eValue.push(eValue);
    prev = r;
  }
}
