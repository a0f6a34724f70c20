/**
 * One group of an update (the records of one container) in the binary format described in
 * `update-codec.ts`: its constants and the reader (info bytes, lengths, relative ids and origins, inline
 * content, and for text the group's live text as one UTF-8 string); `group-writer.ts` writes it.
 */

import { type Decoder, decodeUtf8 } from '../encoding/decoder.js';
import { unpackBytes } from '../encoding/huffman.js';
import { DecodeError } from '../errors.js';
import { type ContainerKind, KINDS } from './kinds.js';
import { NONE, type ParentRef, type UpdateRecord } from './records.js';
import type { SeqColumns } from './seq-columns.js';
import { readValue } from './values-codec.js';

/** Content modes of a sequence record's info byte. */
export const C_LIVE = 0;
export const C_DELETED = 1;
export const C_LIVE1 = 2;
export const C_DELETED1 = 3;
/** Content bit of a map record's info byte: a tombstone (no value follows; format version 2). */
export const M_TOMBSTONE = 1;
/** Largest clock + length accepted. */
export const MAX_CLOCK = Number.MAX_SAFE_INTEGER;

/** The records of one container (or the collected ids), as written together. */
export interface Group {
  ref: ParentRef | null;
  /** The container kind, `'gc'` for collected ids, `'marks'` for a text's marks (`marks-codec.ts`). */
  kind: ContainerKind | 'gc' | 'marks';
  records: UpdateRecord[];
  /** A text or list group's records as columns, written instead of `records` when present. */
  columns?: SeqColumns | undefined;
  /**
   * A text group whose clocks skip the clocks of the text's marks (`skip-marks.ts`): the update
   * is then written with flag bit 1, and every text group in it that has marks must be so.
   */
  skipsMarks?: boolean;
  /**
   * A marks group's anchors as positions in the stored order of its text's group, written in the
   * same update (two per mark: start, end; -1 for an edge; `mark-anchors.ts`).
   */
  anchorPositions?: ArrayLike<number> | undefined;
}

/**
 * A group with every field present, always in this order: every group the encoder writes then has
 * one hidden class. Groups built as literals with and without `columns` (a keystroke's, a
 * snapshot's, a merged update's) had several, so the writer, optimized on one kind of update,
 * was deoptimized ("wrong map") by the next kind at every snapshot after a run of edits.
 */
export function newGroup(
  ref: ParentRef | null,
  kind: Group['kind'],
  records: UpdateRecord[],
  columns?: SeqColumns,
  skipsMarks = false,
  anchorPositions?: ArrayLike<number>,
): Group {
  return { ref, kind, records, columns, skipsMarks, anchorPositions };
}

/**
 * Group tag bit: the group's info bytes come first as runs (count, then info byte and repeat
 * count per run) instead of one per record (format version 2). Used when it saves at least half
 * of them, e.g. for text typed backwards or collected ids of many replicas.
 */
export const G_RUNS = 4;

/**
 * Group tag bit of a text group whose live text is Huffman-packed (`encoding/huffman.ts`) rather
 * than written as plain UTF-8 (format version 3; the writer packs a large text when that is
 * shorter).
 */
export const G_PACKED = 8;

/**
 * Read a text group's live text: a length-prefixed UTF-8 string, or with `packed` the packed
 * form of its UTF-8 bytes.
 * @throws {DecodeError} on malformed input (`bad-utf8` when the bytes are not UTF-8).
 */
export function readGroupText(dec: Decoder, packed: boolean): string {
  return packed ? decodeUtf8(unpackBytes(dec), 'packed text') : dec.readString();
}

/** Read a clock (below 2^53 - 1). */
export function readClock(dec: Decoder): number {
  const c = dec.readVarUint();
  if (c >= MAX_CLOCK) throw new DecodeError('overflow', 'clock too large');
  return c;
}

/** Where {@link readRefInto} leaves the id it read. */
export interface RefOut {
  refClient: number;
  refClock: number;
}

/**
 * Read a reference written by `writeRef`: the id goes to `out` and -1 is returned, or the number
 * of records to hop is returned (the caller resolves and bounds it). No pair is allocated: a
 * large update's records read one or two references each.
 */
export function readRefInto(
  dec: Decoder,
  ownClient: number,
  ownClock: number,
  client: () => number,
  out: RefOut,
): number {
  const v = dec.readVarUint();
  if (v === 1) {
    out.refClient = client();
    out.refClock = readClock(dec);
    return -1;
  }
  if (v % 2 !== 0) return (v - 1) / 2;
  const z = v / 2;
  const d = z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  const clock = ownClock + d;
  if (clock < 0 || clock >= MAX_CLOCK) throw new DecodeError('overflow', 'clock out of range');
  out.refClient = ownClient;
  out.refClock = clock;
  return -1;
}

/** Reads the records of one group; one method call per record keeps a cold load fast. */
class GroupReader implements RefOut {
  prev: UpdateRecord | null = null;
  /** The id the last origin reference read ({@link readRefInto}). */
  refClient = 0;
  refClock = 0;
  readonly orNext: number[] = [];
  /** Right origins named by distance: pairs of (record index, hops). */
  readonly orHops: number[] = [];
  /** Index of the record the previous record's right origin hops to (resolved later), or -1. */
  private hopTarget = -1;
  readonly textAt: number[] = [];
  textLen = 0;

  constructor(
    readonly dec: Decoder,
    readonly client: () => number,
    readonly records: UpdateRecord[],
    readonly kind: ContainerKind | 'gc',
    readonly parent: ParentRef | null,
    readonly n: number,
    /** The group's info bytes when written as runs ({@link G_RUNS}), else null. */
    readonly infos: Uint8Array | null,
  ) {}

  /** Read record `i` and append it. */
  read(i: number): void {
    const dec = this.dec;
    const n = this.n;
    const info = this.infos === null ? dec.readU8() : (this.infos[i] as number);
    const idMode = (info >> 2) & 3;
    const content = info & 3;
    const seq = this.kind === 'text' || this.kind === 'list';
    if (!seq && (info & 0xf3) !== (this.kind === 'map' ? info & M_TOMBSTONE : 0))
      throw new DecodeError('bad-tag', 'bad info byte');
    // Length first (the id may depend on it).
    let len = 1;
    let raw16 = false;
    if (this.kind === 'gc' || (seq && (content === C_LIVE || content === C_DELETED))) {
      len = dec.readVarUint();
      if (len === 0 && this.kind === 'text' && content === C_LIVE) {
        raw16 = true;
        len = dec.readVarUint();
      }
      if (len < 1) throw new DecodeError('invalid', 'empty run');
    }
    let c: number;
    let clock: number;
    if (idMode === 2) {
      c = this.client();
      clock = readClock(dec);
    } else {
      if (this.prev === null) throw new DecodeError('invalid', 'relative id without a previous record');
      c = this.prev.client;
      if (idMode === 3) clock = this.prev.clock - len;
      else clock = this.prev.clock + this.prev.len + (idMode === 1 ? dec.readVarInt() : 0);
      if (clock < 0 || clock >= MAX_CLOCK) throw new DecodeError('overflow', 'clock out of range');
    }
    if (clock + len > MAX_CLOCK) throw new DecodeError('overflow', 'run exceeds the clock range');
    let r: UpdateRecord;
    if (seq) {
      const olMode = (info >> 4) & 3;
      const orMode = (info >> 6) & 3;
      let olClient = NONE;
      let olClock = 0;
      if (olMode === 0) {
        if (this.prev === null) throw new DecodeError('invalid', 'implicit origin without a previous record');
        olClient = this.prev.client;
        olClock = this.prev.clock + this.prev.len - 1;
      } else if (olMode === 2) {
        if (clock === 0) throw new DecodeError('invalid', 'no unit before clock 0');
        olClient = c;
        olClock = clock - 1;
      } else if (olMode === 3) {
        const o = readRefInto(dec, c, clock, this.client, this);
        if (o >= 0) {
          if (o > i) throw new DecodeError('invalid', 'left origin before the group');
          const p = this.records[this.records.length - o] as UpdateRecord;
          olClient = p.client;
          olClock = p.clock + p.len - 1;
        } else {
          olClient = this.refClient;
          olClock = this.refClock;
        }
      }
      let orClient = NONE;
      let orClock = 0;
      let hopTarget = -1;
      if (orMode === 0) {
        if (i + 1 >= n) throw new DecodeError('invalid', 'implicit right origin at the end of a group');
        this.orNext.push(this.records.length);
      } else if (orMode === 2) {
        const o = readRefInto(dec, c, clock, this.client, this);
        if (o >= 0) {
          if (i + o >= n) throw new DecodeError('invalid', 'right origin after the group');
          this.orHops.push(this.records.length, o);
          hopTarget = this.records.length + o;
        } else {
          orClient = this.refClient;
          orClock = this.refClock;
        }
      } else if (orMode === 3) {
        if (this.prev === null || this.prev.t !== 0)
          throw new DecodeError('invalid', 'no previous right origin');
        if (this.hopTarget >= 0) {
          // The previous record's right origin is a record ahead, resolved at the end: so is this one's.
          const hops = this.hopTarget - this.records.length;
          if (hops < 1) throw new DecodeError('invalid', 'right origin inside its own record');
          this.orHops.push(this.records.length, hops);
          hopTarget = this.hopTarget;
        }
        orClient = this.prev.orClient;
        orClock = this.prev.orClock;
      }
      this.hopTarget = hopTarget;
      let value: string | unknown[] | null = null;
      if (content === C_DELETED || content === C_DELETED1) value = null;
      else if (raw16) {
        if (len > dec.remaining) throw new DecodeError('truncated', 'text longer than the input');
        const units: number[] = [];
        for (let k = 0; k < len; k++) {
          const u = dec.readVarUint();
          if (u > 0xffff) throw new DecodeError('invalid', 'code unit out of range');
          units.push(u);
        }
        let str = '';
        for (let k = 0; k < units.length; k += 4096) str += String.fromCharCode(...units.slice(k, k + 4096));
        value = str;
      } else if (this.kind === 'text') {
        this.textAt.push(this.records.length);
        this.textLen += len;
        value = '';
      } else {
        if (len > dec.remaining) throw new DecodeError('truncated', 'list longer than the input');
        const vals: unknown[] = [];
        for (let k = 0; k < len; k++) vals.push(readValue(dec, true));
        value = vals;
      }
      r = {
        t: 0,
        client: c,
        clock,
        len,
        parent: this.parent as ParentRef,
        olClient,
        olClock,
        orClient,
        orClock,
        content: value,
      };
    } else if (this.kind === 'map') {
      const key = dec.readString();
      const wall = dec.readVarUint();
      const logical = dec.readVarUint();
      const value = (info & M_TOMBSTONE) !== 0 ? undefined : readValue(dec, true);
      r = { t: 1, client: c, clock, len: 1, parent: this.parent as ParentRef, key, wall, logical, value };
    } else if (this.kind === 'counter') {
      // Only safe integers add up exactly in any order: a fractional or huge delta would make
      // replicas that apply the same increments in different orders round differently.
      const delta = readValue(dec, false);
      if (typeof delta !== 'number' || !Number.isSafeInteger(delta))
        throw new DecodeError('invalid', 'counter delta is not a safe integer');
      r = {
        t: 2,
        client: c,
        clock,
        len: 1,
        parent: this.parent as ParentRef,
        delta: delta === 0 ? 0 : delta,
      };
    } else r = { t: 3, client: c, clock, len };
    this.records.push(r);
    this.prev = r;
  }
}

/**
 * Read a group's info bytes written as runs. A record written this way may take no byte besides
 * its info, so the decoder accepts at most two records per byte left (the writer guarantees it),
 * keeping what a hostile count can make it allocate proportional to the input.
 * @throws {DecodeError} when the runs do not add up to `n` or `n` passes that bound.
 */
export function readRuns(dec: Decoder, n: number): Uint8Array {
  const nRuns = dec.readCount(2);
  if (nRuns > n) throw new DecodeError('invalid', 'more runs than records');
  const runs: number[] = [];
  let total = 0;
  for (let k = 0; k < nRuns; k++) {
    const info = dec.readU8();
    const count = dec.readVarUint();
    if (count < 1 || count > n - total)
      throw new DecodeError('invalid', 'info runs do not match the records');
    runs.push(info, count);
    total += count;
  }
  if (total !== n) throw new DecodeError('invalid', 'info runs do not match the records');
  if (n > 2 * dec.remaining) throw new DecodeError('truncated', `${n} records need more bytes than are left`);
  const infos = new Uint8Array(n);
  let at = 0;
  for (let k = 0; k < runs.length; k += 2) {
    infos.fill(runs[k] as number, at, at + (runs[k + 1] as number));
    at += runs[k + 1] as number;
  }
  return infos;
}

/**
 * Read one group, appending its records. `allowPacked`: the update's version admits packed text
 * (3 and later); a packed tag is refused otherwise, and on any group but a text.
 */
export function readGroup(
  dec: Decoder,
  client: () => number,
  records: UpdateRecord[],
  allowPacked: boolean,
): void {
  const byte = dec.readU8();
  const runs = (byte & G_RUNS) !== 0;
  const packed = (byte & G_PACKED) !== 0;
  const tag = byte & ~(G_RUNS | G_PACKED);
  let parent: ParentRef | null = null;
  let kind: ContainerKind | 'gc';
  if (tag === 0 || tag === 1) {
    const k = KINDS[dec.readU8()];
    if (k === undefined) throw new DecodeError('bad-tag', 'unknown container kind');
    kind = k;
    if (tag === 0) parent = { name: dec.readString(), kind: k, client: NONE, clock: 0 };
    else {
      const c = client();
      parent = { name: null, kind: k, client: c, clock: readClock(dec) };
    }
  } else if (tag === 2) kind = 'gc';
  else throw new DecodeError('bad-tag', `unknown group tag ${byte}`);
  if (packed && (kind !== 'text' || !allowPacked))
    throw new DecodeError('bad-tag', `group tag ${byte}: packed text on a ${kind} group or before version 3`);
  // A record can be its info byte alone (one unit continuing the previous record, origins implied).
  const n = runs ? dec.readVarUint() : dec.readCount(1);
  const infos = runs ? readRuns(dec, n) : null;
  const reader = new GroupReader(dec, client, records, kind, parent, n, infos);
  for (let i = 0; i < n; i++) reader.read(i);
  const { orNext, orHops, textAt, textLen } = reader;
  for (let k = 0; k < orHops.length; k += 2) {
    const at = orHops[k] as number;
    const r = records[at] as UpdateRecord & { t: 0 };
    const nx = records[at + (orHops[k + 1] as number)] as UpdateRecord;
    r.orClient = nx.client;
    r.orClock = nx.clock;
  }
  for (const at of orNext) {
    const r = records[at] as UpdateRecord & { t: 0 };
    const nx = records[at + 1] as UpdateRecord;
    r.orClient = nx.client;
    r.orClock = nx.clock;
  }
  if (kind === 'text') {
    const text = readGroupText(dec, packed);
    if (text.length !== textLen) throw new DecodeError('invalid', 'text length does not match its runs');
    let pos = 0;
    for (const at of textAt) {
      const r = records[at] as UpdateRecord & { t: 0 };
      r.content = text.slice(pos, pos + r.len);
      pos += r.len;
    }
  }
}
