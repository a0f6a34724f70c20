/**
 * Writing one group of an update (the records of one container) in the binary format described
 * in `update-codec.ts`: info bytes (one per record, or as runs), lengths, relative ids, origins by clock
 * delta or record distance, inline content, and for text the group's live text as one string.
 */

import type { Encoder } from '../encoding/encoder.js';
import { C_DELETED, C_DELETED1, C_LIVE, C_LIVE1, G_RUNS, type Group, M_TOMBSTONE } from './group-codec.js';
import { type ContainerKind, KIND_CODES } from './kinds.js';
import { NONE, type UpdateRecord } from './records.js';
import { writeValue } from './values-codec.js';

/** Largest clock delta written as a same-client reference. */
const MAX_DELTA = 2 ** 50;

/** Farthest neighbour record an origin reference names by distance (`2 * hops + 1` fits a byte). */
const MAX_HOPS = 63;

/**
 * How many records back (`dir` -1: a record whose last unit is the origin) or ahead (`dir` 1: a
 * record whose first unit is it) of record `i` the origin is, within {@link MAX_HOPS}; 0 if not.
 */
function hopsTo(
  records: readonly UpdateRecord[],
  i: number,
  dir: 1 | -1,
  client: number,
  clock: number,
): number {
  for (let k = 1; k <= MAX_HOPS; k++) {
    const p = records[i + dir * k];
    if (p === undefined) return 0;
    if (p.client === client && (dir === 1 ? p.clock : p.clock + p.len - 1) === clock) return k;
  }
  return 0;
}

/**
 * Write an origin reference of record `i`: `2 * zigzag(clock delta)` for a near unit of its own
 * client, else `2 * hops + 1` for a unit at the edge of a record up to {@link MAX_HOPS} away
 * (left origins: the last unit of a record before; right origins: the first unit of one after;
 * format version 2), else `1`, a client index and a clock.
 */
function writeRef(
  enc: Encoder,
  records: readonly UpdateRecord[],
  i: number,
  dir: 1 | -1,
  client: number,
  clock: number,
  ci: (id: number) => number,
): void {
  const own = records[i] as UpdateRecord;
  const d = clock - own.clock;
  const z = (d >= 0 ? 2 * d : -2 * d - 1) * 2;
  const near = client === own.client && Math.abs(d) < MAX_DELTA;
  if (near && z < 0x80) {
    enc.writeVarUint(z);
    return;
  }
  const hops = hopsTo(records, i, dir, client, clock);
  if (hops > 0) {
    enc.writeVarUint(2 * hops + 1);
    return;
  }
  if (near) {
    enc.writeVarUint(z);
    return;
  }
  enc.writeVarUint(1);
  enc.writeVarUint(ci(client));
  enc.writeVarUint(clock);
}

/** Any UTF-16 surrogate. */
const SURROGATE = /[\uD800-\uDFFF]/;

function isWellFormed(s: string): boolean {
  // A long string without any surrogate (nearly all text) is checked by the native regex engine,
  // which is fast even before the loop below is optimised (a first long insert).
  if (s.length > 8 && !SURROGATE.test(s)) return true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c > 0xdbff) return false;
    const d = s.charCodeAt(i + 1);
    if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
    i++;
  }
  return true;
}

/** The info byte of record `i` (see `update-codec.ts`) and a lower bound of the bytes its body takes. */
function infoOf(records: readonly UpdateRecord[], i: number): number {
  const r = records[i] as UpdateRecord;
  const prev = i > 0 ? (records[i - 1] as UpdateRecord) : null;
  let info = 0;
  let idMode: number;
  if (prev !== null && prev.client === r.client && prev.clock + prev.len === r.clock) idMode = 0;
  else if (prev !== null && prev.client === r.client && r.clock + r.len === prev.clock) idMode = 3;
  else if (prev !== null && prev.client === r.client) idMode = 1;
  else idMode = 2;
  info |= idMode << 2;
  if (r.t === 0) {
    let ol = 1;
    let or = 1;
    const c = r.content;
    if (c === null) info |= r.len === 1 ? C_DELETED1 : C_DELETED;
    else if (r.len === 1 && (typeof c !== 'string' || isWellFormed(c))) info |= C_LIVE1;
    if (r.olClient !== NONE) {
      if (prev !== null && prev.client === r.olClient && prev.clock + prev.len - 1 === r.olClock) ol = 0;
      else if (r.olClient === r.client && r.olClock === r.clock - 1) ol = 2;
      else ol = 3;
    }
    if (r.orClient !== NONE) {
      const next = records[i + 1];
      if (next !== undefined && next.client === r.orClient && next.clock === r.orClock) or = 0;
      else if (prev !== null && prev.t === 0 && prev.orClient === r.orClient && prev.orClock === r.orClock)
        or = 3;
      else or = 2;
    }
    info |= (ol << 4) | (or << 6);
  } else if (r.t === 1 && r.value === undefined) info |= M_TOMBSTONE;
  return info;
}

/** A lower bound of the bytes record `r` takes besides its info byte (text counted in its string). */
function minBody(r: UpdateRecord, info: number): number {
  const id = ((info >> 2) & 3) === 2 ? 2 : 0;
  if (r.t === 0) return id + (r.content === null ? 0 : r.len);
  if (r.t === 3) return id + 1;
  return id + (r.t === 1 ? 3 : 1);
}

/** Write one group. */
export function writeGroup(body: Encoder, g: Group, ci: (id: number) => number): void {
  const { ref, records } = g;
  const n = records.length;
  const infos = new Uint8Array(n);
  let runs = 0;
  let lower = 0;
  for (let i = 0; i < n; i++) {
    const info = infoOf(records, i);
    infos[i] = info;
    if (i === 0 || infos[i - 1] !== info) runs++;
    lower += minBody(records[i] as UpdateRecord, info);
  }
  // Runs pay when they halve the info bytes; the decoder accepts at most two records per byte
  // that follows the runs, which `lower` guarantees.
  const useRuns = runs * 3 <= n && n <= 2 * lower;
  const flag = useRuns ? G_RUNS : 0;
  if (ref === null) body.writeU8(2 | flag);
  else if (ref.name !== null) {
    body.writeU8(0 | flag);
    body.writeU8(KIND_CODES[ref.kind]);
    body.writeString(ref.name);
  } else {
    body.writeU8(1 | flag);
    body.writeU8(KIND_CODES[g.kind as ContainerKind]);
    body.writeVarUint(ci(ref.client));
    body.writeVarUint(ref.clock);
  }
  body.writeVarUint(n);
  if (useRuns) {
    body.writeVarUint(runs);
    let i = 0;
    while (i < n) {
      const info = infos[i] as number;
      let j = i + 1;
      while (j < n && infos[j] === info) j++;
      body.writeU8(info);
      body.writeVarUint(j - i);
      i = j;
    }
  }
  const textParts: string[] = [];
  let prev: UpdateRecord | null = null;
  for (let i = 0; i < n; i++) {
    const r = records[i] as UpdateRecord;
    const info = infos[i] as number;
    if (!useRuns) body.writeU8(info);
    const idMode = (info >> 2) & 3;
    const content = info & 3;
    const ol = (info >> 4) & 3;
    const or = (info >> 6) & 3;
    const raw16 =
      r.t === 0 && typeof r.content === 'string' && content === C_LIVE && !isWellFormed(r.content);
    if (r.t === 3 || (r.t === 0 && (content === C_LIVE || content === C_DELETED))) {
      if (raw16) body.writeVarUint(0);
      body.writeVarUint(r.len);
    }
    if (idMode === 1) body.writeVarInt(r.clock - ((prev as UpdateRecord).clock + (prev as UpdateRecord).len));
    else if (idMode === 2) {
      body.writeVarUint(ci(r.client));
      body.writeVarUint(r.clock);
    }
    if (r.t === 0) {
      if (ol === 3) writeRef(body, records, i, -1, r.olClient, r.olClock, ci);
      if (or === 2) writeRef(body, records, i, 1, r.orClient, r.orClock, ci);
      const c = r.content;
      if (typeof c === 'string') {
        if (raw16) for (let k = 0; k < c.length; k++) body.writeVarUint(c.charCodeAt(k));
        else textParts.push(c);
      } else if (c !== null) for (const v of c) writeValue(body, v);
    } else if (r.t === 1) {
      body.writeString(r.key);
      body.writeVarUint(r.wall);
      body.writeVarUint(r.logical);
      if (r.value !== undefined) writeValue(body, r.value);
    } else if (r.t === 2) writeValue(body, r.delta);
    prev = r;
  }
  if (g.kind === 'text') body.writeString(textParts.join(''));
}
