/**
 * One group of an update (the records of one container) in the binary format described in
 * `codec.ts`: the info byte, lengths, relative ids and origins, inline content, and for text the
 * group's live text as one UTF-8 string.
 */
import { type ContainerKind, KIND_CODES, KINDS } from '../doc/container.js';
import type { Decoder } from '../encoding/decoder.js';
import type { Encoder } from '../encoding/encoder.js';
import { DecodeError } from '../errors.js';
import { NONE, type ParentRef, type UpdateRecord } from './records.js';
import { readValue, writeValue } from './values-codec.js';

/** Content modes of a sequence record's info byte. */
export const C_LIVE = 0;
export const C_DELETED = 1;
export const C_LIVE1 = 2;
export const C_DELETED1 = 3;
/** Content bit of a map record's info byte: a tombstone (no value follows; format version 2). */
export const M_TOMBSTONE = 1;
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
/** Largest clock + length accepted. */
export const MAX_CLOCK = Number.MAX_SAFE_INTEGER;

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

/** The records of one container (or the collected ids), as written together. */
export interface Group {
  ref: ParentRef | null;
  kind: ContainerKind | 'gc';
  records: UpdateRecord[];
}

/**
 * Group tag bit: the group's info bytes come first as runs (count, then info byte and repeat
 * count per run) instead of one per record (format version 2). Used when it saves at least half
 * of them, e.g. for text typed backwards or collected ids of many replicas.
 */
export const G_RUNS = 4;

/** The info byte of record `i` (see `codec.ts`) and a lower bound of the bytes its body takes. */
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

/** Read a clock (below 2^53 - 1). */
export function readClock(dec: Decoder): number {
  const c = dec.readVarUint();
  if (c >= MAX_CLOCK) throw new DecodeError('overflow', 'clock too large');
  return c;
}

/**
 * Read a reference written by `writeRef`: [client, clock], or the number of records to hop (the
 * caller resolves and bounds it).
 */
export function readRef(
  dec: Decoder,
  ownClient: number,
  ownClock: number,
  client: () => number,
): [number, number] | number {
  const v = dec.readVarUint();
  if (v === 1) return [client(), readClock(dec)];
  if (v % 2 !== 0) return (v - 1) / 2;
  const z = v / 2;
  const d = z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  const clock = ownClock + d;
  if (clock < 0 || clock >= MAX_CLOCK) throw new DecodeError('overflow', 'clock out of range');
  return [ownClient, clock];
}

/** Reads the records of one group; one method call per record keeps a cold load fast. */
class GroupReader {
  prev: UpdateRecord | null = null;
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
        const o = readRef(dec, c, clock, this.client);
        if (typeof o === 'number') {
          if (o > i) throw new DecodeError('invalid', 'left origin before the group');
          const p = this.records[this.records.length - o] as UpdateRecord;
          olClient = p.client;
          olClock = p.clock + p.len - 1;
        } else [olClient, olClock] = o;
      }
      let orClient = NONE;
      let orClock = 0;
      let hopTarget = -1;
      if (orMode === 0) {
        if (i + 1 >= n) throw new DecodeError('invalid', 'implicit right origin at the end of a group');
        this.orNext.push(this.records.length);
      } else if (orMode === 2) {
        const o = readRef(dec, c, clock, this.client);
        if (typeof o === 'number') {
          if (i + o >= n) throw new DecodeError('invalid', 'right origin after the group');
          this.orHops.push(this.records.length, o);
          hopTarget = this.records.length + o;
        } else [orClient, orClock] = o;
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

/** Read one group, appending its records. */
export function readGroup(dec: Decoder, client: () => number, records: UpdateRecord[]): void {
  const byte = dec.readU8();
  const runs = (byte & G_RUNS) !== 0;
  const tag = byte & ~G_RUNS;
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
    const text = dec.readString();
    if (text.length !== textLen) throw new DecodeError('invalid', 'text length does not match its runs');
    let pos = 0;
    for (const at of textAt) {
      const r = records[at] as UpdateRecord & { t: 0 };
      r.content = text.slice(pos, pos + r.len);
      pos += r.len;
    }
  }
}
