/**
 * Writing one group of an update (the records of one container) in the binary format described
 * in `update-codec.ts`: info bytes (one per record, or as runs), lengths, relative ids, origins by clock
 * delta or record distance, inline content, and for text the group's live text as one string.
 */

import type { Encoder } from '../encoding/encoder.js';
import { packBytes } from '../encoding/huffman.js';
import { isWellFormedUtf16 } from '../encoding/utf16.js';
import {
  C_DELETED,
  C_DELETED1,
  C_LIVE,
  C_LIVE1,
  G_PACKED,
  G_RUNS,
  type Group,
  M_TOMBSTONE,
} from './group-codec.js';
import { type ContainerKind, KIND_CODES } from './kinds.js';
import { NONE, type SeqRecord, type UpdateRecord } from './records.js';
import { edgeHops, type RunEdges, runEdgesFor } from './run-edges.js';
import { SeqColumns } from './seq-columns.js';
import { writeValue } from './values-codec.js';

/** Largest clock delta written as a same-client reference. */
const MAX_DELTA = 2 ** 50;

/**
 * Write an origin reference of record `i`: `2 * zigzag(clock delta)` for a near unit of its own
 * client, else `2 * hops + 1` for a unit at the edge of a record up to `MAX_HOPS` (63, `run-edges.ts`) away
 * (left origins: the last unit of a record before; right origins: the first unit of one after;
 * format version 2), else `1`, a client index and a clock.
 */
function writeRef(
  enc: Encoder,
  cols: SeqColumns,
  i: number,
  dir: 1 | -1,
  client: number,
  clock: number,
  ci: (id: number) => number,
  edges: RunEdges | null,
): void {
  const d = clock - (cols.clock[i] as number);
  const z = (d >= 0 ? 2 * d : -2 * d - 1) * 2;
  const near = client === cols.client[i] && Math.abs(d) < MAX_DELTA;
  if (near && z < 0x80) {
    enc.writeVarUint(z);
    return;
  }
  const hops = edgeHops(edges, cols, i, dir, client, clock);
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

/**
 * Write a group's tag (with `packed`, marked as holding packed text), container reference, record
 * count `n` and, with `useRuns`, its info runs (`infos[0 .. n-1]`).
 */
function writeHead(
  body: Encoder,
  g: Group,
  infos: Uint8Array,
  n: number,
  runs: number,
  useRuns: boolean,
  ci: (id: number) => number,
  packed = false,
): void {
  const { ref } = g;
  const flag = (useRuns ? G_RUNS : 0) | (packed ? G_PACKED : 0);
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
    writeSeqGroup(body, g, ci);
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
  writeHead(body, g, infos, n, runs, useRuns, ci);
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

/** Groups up to this many records write their info bytes into {@link smallInfos}. */
const SMALL_GROUP = 64;
const smallInfos = new Uint8Array(SMALL_GROUP);
const smallRaw = new Uint8Array(SMALL_GROUP);

/** Reused columns for the sequence groups of ordinary updates (small: one keystroke's runs). */
const scratch = new SeqColumns(64);

/** Groups with more records than this get their own columns rather than growing {@link scratch}. */
const SCRATCH_MAX = 4096;

/** True while a sequence group is being written: the module scratch is in use. */
let writing = false;

/** A sequence group's columns: its own, or its records copied into columns. */
function columnsOf(g: Group): SeqColumns {
  if (g.columns !== undefined) return g.columns;
  const records = g.records as SeqRecord[];
  // The scratch is empty here: `writeSeqGroup` clears it after every use.
  const cols = records.length > SCRATCH_MAX || writing ? new SeqColumns(records.length) : scratch;
  cols.pushRecords(records);
  return cols;
}

/**
 * Write a text or list group from its columns: one pass computes each record's info byte (and
 * whether its text needs raw code units), one writes. This is the path of every keystroke's
 * update and of every snapshot's text.
 */
function writeSeqGroup(body: Encoder, g: Group, clientIndex: (id: number) => number): void {
  const reentrant = writing;
  const cols = columnsOf(g);
  writing = true;
  try {
    writeSeqRuns(body, g, cols, clientIndex, reentrant);
  } finally {
    writing = reentrant;
    if (cols === scratch) cols.clear();
  }
}

/**
 * Bytes the records of the group {@link recordInfos} last went through certainly take after
 * their info bytes, the group's text aside (a module variable: see {@link writeSeqRuns}).
 */
let infoLower = 0;
/** The text parts of a group being written, reused when not reentrant (cleared after each use). */
const textParts: string[] = [];

/**
 * {@link writeSeqGroup} once the columns are known; `reentrant` forbids the module scratch.
 *
 * Each of its two loops over the records is a function of its own, with no code after the loop.
 * A process's first large group runs a loop long enough for V8 to compile it on-stack; code after
 * the loop has not run then, and optimized code that later reaches such code deoptimizes. With the
 * loops in one function, every later call entered that on-stack code and left it again at the
 * end of the loop, hundreds of deoptimizations per process until the whole function was compiled
 * (tens of milliseconds later on two cores), and the on-stack compile of one large function took
 * longer than the loop it was for. For the same reason the first loop's function ends with a
 * module variable store and a return, which need no type feedback: its other results (the text
 * parts) are pushed inside the loop.
 */
function writeSeqRuns(
  body: Encoder,
  g: Group,
  cols: SeqColumns,
  clientIndex: (id: number) => number,
  reentrant: boolean,
): void {
  const n = cols.length;
  // Small groups (a keystroke's) reuse two module arrays; `raw` must start zeroed. Not while
  // another group is being written (a value's getter that encodes an update).
  const small = n <= SMALL_GROUP && !reentrant;
  const infos = small ? smallInfos : new Uint8Array(n);
  // 1 where the record's text is not well-formed UTF-16 and travels as raw code units.
  const raw = small ? smallRaw.fill(0, 0, n) : new Uint8Array(n);
  const parts = reentrant ? [] : textParts;
  parts.length = 0;
  const runs = recordInfos(cols, infos, raw, parts);
  const lower = infoLower;
  // A group's text is one string: a single part is written as is, more are joined.
  const whole = parts.length === 1 ? (parts[0] as string) : parts.join('');
  parts.length = 0; // holds no strings between updates
  const packed = g.kind === 'text' ? packText(whole) : null;
  // Info runs are chosen only while n <= 2 * lower: the reader's bound on a run count (packed
  // text counts as the bytes it takes, not its length).
  const useRuns = runsPay(runs, n, lower + (packed === null ? whole.length : packed.length));
  writeHead(body, g, infos, n, runs, useRuns, clientIndex, packed !== null);
  writeRecords(body, cols, infos, raw, useRuns, columnClientIndex(cols, clientIndex));
  if (g.kind !== 'text') return;
  if (packed === null) body.writeString(whole);
  else {
    body.writeRaw(packed);
    packedGroups++;
  }
}

/** `clientIndex` for the columns' client numbers (indexes into `cols.ids` when it has them). */
function columnClientIndex(cols: SeqColumns, clientIndex: (id: number) => number): (k: number) => number {
  const ids = cols.ids;
  return ids === null ? clientIndex : (k) => clientIndex(ids[k] as number);
}

/**
 * The first pass of {@link writeSeqRuns}: each record's info byte into `infos`, a 1 in `raw`
 * for each record whose text is not well-formed UTF-16, the texts written as text onto `parts`;
 * returns the runs of equal info bytes and leaves the certain byte count in {@link infoLower}.
 */
function recordInfos(cols: SeqColumns, infos: Uint8Array, raw: Uint8Array, parts: string[]): number {
  const n = cols.length;
  const { client, clock, len, olClient, olClock, orClient, orClock, content: contents } = cols;
  let runs = 0;
  let lower = 0;
  for (let i = 0; i < n; i++) {
    const c = contents[i] as string | unknown[] | null;
    const rClient = client[i] as number;
    const rClock = clock[i] as number;
    const rLen = len[i] as number;
    const wellFormed = typeof c !== 'string' || isWellFormedUtf16(c);
    const hasPrev = i > 0;
    const pClient = hasPrev ? (client[i - 1] as number) : NONE;
    const pEnd = hasPrev ? (clock[i - 1] as number) + (len[i - 1] as number) : 0;
    let idMode = 2;
    if (hasPrev && pClient === rClient) {
      if (pEnd === rClock) idMode = 0;
      else if (rClock + rLen === clock[i - 1]) idMode = 3;
      else idMode = 1;
    }
    let content: number;
    if (c === null) content = rLen === 1 ? C_DELETED1 : C_DELETED;
    else if (rLen === 1 && wellFormed) content = C_LIVE1;
    else {
      content = C_LIVE;
      if (!wellFormed) raw[i] = 1;
    }
    let ol = 1;
    const olC = olClient[i] as number;
    if (olC !== NONE) {
      if (hasPrev && pClient === olC && pEnd - 1 === olClock[i]) ol = 0;
      else if (olC === rClient && olClock[i] === rClock - 1) ol = 2;
      else ol = 3;
    }
    let or = 1;
    const orC = orClient[i] as number;
    if (orC !== NONE) {
      if (i + 1 < n && client[i + 1] === orC && clock[i + 1] === orClock[i]) or = 0;
      else if (hasPrev && orClient[i - 1] === orC && orClock[i - 1] === orClock[i]) or = 3;
      else or = 2;
    }
    const info = content | (idMode << 2) | (ol << 4) | (or << 6);
    infos[i] = info;
    if (i === 0 || infos[i - 1] !== info) runs++;
    lower += idMode === 2 ? 2 : 0;
    if (typeof c === 'string' && raw[i] === 0) parts.push(c);
    else if (c !== null) lower += rLen;
  }
  infoLower = lower;
  return runs;
}

/** The second pass of {@link writeSeqRuns}: each record's fields (info bytes too unless written as runs). */
function writeRecords(
  body: Encoder,
  cols: SeqColumns,
  infos: Uint8Array,
  raw: Uint8Array,
  useRuns: boolean,
  ci: (k: number) => number,
): void {
  const n = cols.length;
  const { client, clock, len, olClient, olClock, orClient, orClock, content: contents } = cols;
  // Only a group that can pay for tables gets a finder (see `run-edges.ts`); a keystroke's scans.
  const edges = runEdgesFor(cols);
  for (let i = 0; i < n; i++) {
    const info = infos[i] as number;
    if (!useRuns) body.writeU8(info);
    const content = info & 3;
    if (content === C_LIVE || content === C_DELETED) {
      if (raw[i] === 1) body.writeVarUint(0);
      body.writeVarUint(len[i] as number);
    }
    const idMode = (info >> 2) & 3;
    if (idMode === 1)
      body.writeVarInt((clock[i] as number) - ((clock[i - 1] as number) + (len[i - 1] as number)));
    else if (idMode === 2) {
      body.writeVarUint(ci(client[i] as number));
      body.writeVarUint(clock[i] as number);
    }
    if (((info >> 4) & 3) === 3)
      writeRef(body, cols, i, -1, olClient[i] as number, olClock[i] as number, ci, edges);
    if (((info >> 6) & 3) === 2)
      writeRef(body, cols, i, 1, orClient[i] as number, orClock[i] as number, ci, edges);
    const c = contents[i] as string | unknown[] | null;
    if (typeof c === 'string') {
      if (raw[i] === 1) for (let k = 0; k < c.length; k++) body.writeVarUint(c.charCodeAt(k));
    } else if (c !== null) for (const v of c) writeValue(body, v);
  }
}

/** Texts shorter than this (UTF-16 code units) are never packed: the code table alone is 33+ bytes. */
const PACK_MIN = 256;
const utf8Encoder = new TextEncoder();
/** Text groups packed by the update being written (see {@link swapPackedCount}). */
let packedGroups = 0;

/**
 * Set the count of packed text groups and return the previous one: the update writer starts each
 * update at 0 and restores the outer count when done (an update written while another is, by a
 * value's getter, keeps its own), so it knows whether it used version 3.
 * @internal
 */
export function swapPackedCount(next: number): number {
  const previous = packedGroups;
  packedGroups = next;
  return previous;
}

/** Whether the update being written may pack its texts (see {@link swapTextPacking}). */
let textPacking = true;

/**
 * Set whether the update about to be written may pack text, and return the previous setting: the
 * update writer sets it for each update and restores the outer one when done, as with
 * {@link swapPackedCount}.
 * @internal
 */
export function swapTextPacking(next: boolean): boolean {
  const previous = textPacking;
  textPacking = next;
  return previous;
}

/** A text group's live text packed (`encoding/huffman.ts`), or null when it is short or packing would not save. */
function packText(text: string): Uint8Array | null {
  return !textPacking || text.length < PACK_MIN ? null : packBytes(utf8Encoder.encode(text));
}
