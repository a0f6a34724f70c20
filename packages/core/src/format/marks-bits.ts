/**
 * What the two column layouts of marks groups share (`marks-fields.ts`, `marks-shapes.ts`): the
 * bits of a mark's info byte, the id modes and the shared prefix of a key named for the first
 * time. The meaning of each bit is described in `marks-codec.ts`.
 */
import { DecodeError } from '../errors.js';
import { type MarkRecord, NONE, type ParentRef } from './records.js';

/** Info bit 0: the mark removes its key (no value follows). */
export const I_REMOVE = 1;
/** Info bit 1: the start anchor sits after its unit (with bit 5: a start on the mark's replica). */
export const I_START_AFTER = 2;
/** Info bit 4: the end anchor sits after its unit. */
export const I_END_AFTER = 16;
/** Info bit 5: the start is the start of the text (with bit 1: a start on the mark's replica). */
export const I_START_EDGE = 32;
/** Info bit 6: the end is the end of the text. */
export const I_END_EDGE = 64;
/** Info bit 7: the end anchor is a unit of the start anchor's replica (its clock a delta). */
export const I_END_NEAR = 128;

/** Longest prefix a new key shares with the key named before it (column layouts). */
export const MAX_SHARED = 32;

/** Largest HLC wall time and logical counter accepted (as for map entries). */
export const MAX_WALL = 2 ** 47;
export const MAX_LOGICAL = 2 ** 31;

/**
 * How many leading code units (at most {@link MAX_SHARED}) `b` shares with `a`, never ending
 * between the halves of a surrogate pair (the rest is written as a string).
 */
export function sharedPrefix(a: string, b: string): number {
  const max = Math.min(a.length, b.length, MAX_SHARED);
  let p = 0;
  while (p < max && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  if (p > 0) {
    const c = b.charCodeAt(p - 1);
    if (c >= 0xd800 && c <= 0xdbff) p--;
  }
  return p;
}

/**
 * The id mode of `r` after `prev`: 0 continues the previous mark, 1 same replica with a signed
 * clock delta, 2 client index and clock, 3 same replica, the clock before the previous one.
 */
export function idMode(r: MarkRecord, prev: MarkRecord | null): number {
  if (prev === null || prev.client !== r.client) return 2;
  if (prev.clock + 1 === r.clock) return 0;
  if (r.clock + 1 === prev.clock) return 3;
  return 1;
}

/** The info byte of `r` after `prev` (bits as described in `marks-codec.ts`). */
export function infoByte(r: MarkRecord, prev: MarkRecord | null, nearAllowed: boolean): number {
  const sEdge = r.sClient === NONE;
  const eEdge = r.eClient === NONE;
  const near = nearAllowed && !sEdge && !eEdge && r.eClient === r.sClient;
  const sOwn = !sEdge && !r.sAfter && r.sClient === r.client;
  return (
    (r.value === null ? I_REMOVE : 0) |
    ((!sEdge && r.sAfter) || sOwn ? I_START_AFTER : 0) |
    (sOwn ? I_START_EDGE : 0) |
    (idMode(r, prev) << 2) |
    (!eEdge && r.eAfter ? I_END_AFTER : 0) |
    (sEdge ? I_START_EDGE : 0) |
    (eEdge ? I_END_EDGE : 0) |
    (near ? I_END_NEAR : 0)
  );
}

/**
 * Check a mark's timestamp as read from either column layout.
 * @throws {DecodeError} `invalid` for a wall time or logical counter out of range.
 */
export function checkMarkTime(wall: number, logical: number): void {
  if (wall < 0 || wall > MAX_WALL || logical < 0 || logical >= MAX_LOGICAL)
    throw new DecodeError('invalid', 'timestamp out of range');
}

/**
 * The record of a mark read from either column layout (its timestamp checked already, see
 * {@link checkMarkTime}): the sides of its anchors come from its info byte, as {@link infoByte}
 * wrote them.
 */
export function markRecord(
  info: number,
  client: number,
  clock: number,
  parent: ParentRef,
  sClient: number,
  sClock: number,
  eClient: number,
  eClock: number,
  key: string,
  wall: number,
  logical: number,
  value: unknown,
): MarkRecord {
  const sOwn = (info & (I_START_EDGE | I_START_AFTER)) === (I_START_EDGE | I_START_AFTER);
  const sEdge = !sOwn && (info & I_START_EDGE) !== 0;
  const eEdge = (info & I_END_EDGE) !== 0;
  return {
    t: 4,
    client,
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
}
