/**
 * Writing one group of an update (the records of one container) in the binary format described
 * in `update-codec.ts`: info bytes (one per record, or as runs), lengths, relative ids, origins by clock
 * delta or record distance, inline content, and for text the group's live text as one string.
 */

import type { Encoder } from '../encoding/encoder.js';
import { isWellFormedUtf16 } from '../encoding/utf16.js';
import { C_DELETED, C_DELETED1, C_LIVE, C_LIVE1, G_RUNS, type Group, M_TOMBSTONE } from './group-codec.js';
import { type ContainerKind, KIND_CODES } from './kinds.js';
import { NONE, type SeqRecord, type UpdateRecord } from './records.js';
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

/**
 * The info byte of record `i` of a map, counter or collected group (see `update-codec.ts`): its
 * id mode, and for a map record whether it is a tombstone.
 */
function infoOf(records: readonly UpdateRecord[], i: number): number {
  const r = records[i] as UpdateRecord;
  const prev = i > 0 ? (records[i - 1] as UpdateRecord) : null;
  let idMode: number;
  if (prev !== null && prev.client === r.client && prev.clock + prev.len === r.clock) idMode = 0;
  else if (prev !== null && prev.client === r.client && r.clock + r.len === prev.clock) idMode = 3;
  else if (prev !== null && prev.client === r.client) idMode = 1;
  else idMode = 2;
  return (idMode << 2) | (r.t === 1 && r.value === undefined ? M_TOMBSTONE : 0);
}

/** A lower bound of the bytes a map, counter or collected record takes besides its info byte. */
function minBody(r: UpdateRecord, info: number): number {
  const id = ((info >> 2) & 3) === 2 ? 2 : 0;
  if (r.t === 3) return id + 1;
  return id + (r.t === 1 ? 3 : 1);
}

/** Write a group's tag, container reference, record count and, with `useRuns`, its info runs. */
function writeHead(
  body: Encoder,
  g: Group,
  infos: Uint8Array,
  runs: number,
  useRuns: boolean,
  ci: (id: number) => number,
): void {
  const { ref } = g;
  const n = infos.length;
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
}

/**
 * Runs pay when they halve the info bytes; the decoder accepts at most two records per byte
 * that follows the runs, which `lower` (a lower bound of the bytes after the info bytes)
 * guarantees.
 */
const runsPay = (runs: number, n: number, lower: number): boolean => runs * 3 <= n && n <= 2 * lower;

/** Write one group. */
export function writeGroup(body: Encoder, g: Group, ci: (id: number) => number): void {
  if (g.kind === 'text' || g.kind === 'list') {
    writeSeqGroup(body, g.records as SeqRecord[], g, ci);
    return;
  }
  const { records } = g;
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
  const useRuns = runsPay(runs, n, lower);
  writeHead(body, g, infos, runs, useRuns, ci);
  let prev: UpdateRecord | null = null;
  for (let i = 0; i < n; i++) {
    const r = records[i] as UpdateRecord;
    const info = infos[i] as number;
    if (!useRuns) body.writeU8(info);
    const idMode = (info >> 2) & 3;
    if (r.t === 3) body.writeVarUint(r.len);
    if (idMode === 1) body.writeVarInt(r.clock - ((prev as UpdateRecord).clock + (prev as UpdateRecord).len));
    else if (idMode === 2) {
      body.writeVarUint(ci(r.client));
      body.writeVarUint(r.clock);
    }
    if (r.t === 1) {
      body.writeString(r.key);
      body.writeVarUint(r.wall);
      body.writeVarUint(r.logical);
      if (r.value !== undefined) writeValue(body, r.value);
    } else if (r.t === 2) writeValue(body, r.delta);
    prev = r;
  }
}

/**
 * Write a text or list group: the same bytes as the general path, in one pass that computes
 * each record's info byte (and whether its text needs raw code units) and one that writes. The
 * records are all sequence runs, so every property read sees one shape; this is the path of
 * every keystroke's update and of every snapshot's text.
 */
function writeSeqGroup(
  body: Encoder,
  records: readonly SeqRecord[],
  g: Group,
  ci: (id: number) => number,
): void {
  const n = records.length;
  const infos = new Uint8Array(n);
  // 1 where the record's text is not well-formed UTF-16 and travels as raw code units.
  const raw = new Uint8Array(n);
  let runs = 0;
  let lower = 0;
  let prev: SeqRecord | undefined;
  for (let i = 0; i < n; i++) {
    const r = records[i] as SeqRecord;
    const c = r.content;
    const wellFormed = typeof c !== 'string' || isWellFormedUtf16(c);
    let idMode = 2;
    if (prev !== undefined && prev.client === r.client) {
      if (prev.clock + prev.len === r.clock) idMode = 0;
      else if (r.clock + r.len === prev.clock) idMode = 3;
      else idMode = 1;
    }
    let content: number;
    if (c === null) content = r.len === 1 ? C_DELETED1 : C_DELETED;
    else if (r.len === 1 && wellFormed) content = C_LIVE1;
    else {
      content = C_LIVE;
      if (!wellFormed) raw[i] = 1;
    }
    let ol = 1;
    if (r.olClient !== NONE) {
      if (prev !== undefined && prev.client === r.olClient && prev.clock + prev.len - 1 === r.olClock) ol = 0;
      else if (r.olClient === r.client && r.olClock === r.clock - 1) ol = 2;
      else ol = 3;
    }
    let or = 1;
    if (r.orClient !== NONE) {
      const next = records[i + 1];
      if (next !== undefined && next.client === r.orClient && next.clock === r.orClock) or = 0;
      else if (prev !== undefined && prev.orClient === r.orClient && prev.orClock === r.orClock) or = 3;
      else or = 2;
    }
    const info = content | (idMode << 2) | (ol << 4) | (or << 6);
    infos[i] = info;
    if (i === 0 || infos[i - 1] !== info) runs++;
    lower += (idMode === 2 ? 2 : 0) + (c === null ? 0 : r.len);
    prev = r;
  }
  const useRuns = runsPay(runs, n, lower);
  writeHead(body, g, infos, runs, useRuns, ci);
  const textParts: string[] = [];
  prev = undefined;
  for (let i = 0; i < n; i++) {
    const r = records[i] as SeqRecord;
    const info = infos[i] as number;
    if (!useRuns) body.writeU8(info);
    const content = info & 3;
    if (content === C_LIVE || content === C_DELETED) {
      if (raw[i] === 1) body.writeVarUint(0);
      body.writeVarUint(r.len);
    }
    const idMode = (info >> 2) & 3;
    if (idMode === 1) body.writeVarInt(r.clock - ((prev as SeqRecord).clock + (prev as SeqRecord).len));
    else if (idMode === 2) {
      body.writeVarUint(ci(r.client));
      body.writeVarUint(r.clock);
    }
    if (((info >> 4) & 3) === 3) writeRef(body, records, i, -1, r.olClient, r.olClock, ci);
    if (((info >> 6) & 3) === 2) writeRef(body, records, i, 1, r.orClient, r.orClock, ci);
    const c = r.content;
    if (typeof c === 'string') {
      if (raw[i] === 1) for (let k = 0; k < c.length; k++) body.writeVarUint(c.charCodeAt(k));
      else textParts.push(c);
    } else if (c !== null) for (const v of c) writeValue(body, v);
    prev = r;
  }
  if (g.kind === 'text') body.writeString(textParts.join(''));
}
