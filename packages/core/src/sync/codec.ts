/**
 * The binary update format. One format serves incremental updates, diffs and full snapshots:
 *
 * ```
 * u8 version (1), u8 flags (bit 0: a snapshot in document order)
 * clients: count, replica ids             records name clients by index in this table
 * groups: count, then per group:
 *   u8 tag: 0 root (u8 kind, name) | 1 nested (u8 kind, holder client index, clock) | 2 collected
 *   records: count, then per record: u8 info, id, origins, length/content
 *   text groups: then all live text of the group as one UTF-8 string
 * delete set: count, then per client: client index, count, (gap, len) pairs
 * ```
 *
 * Info byte: bits 0-1 content (0 live, 1 deleted, 2 one live unit, 3 one deleted unit; a live
 * length written as 0 announces raw UTF-16 code units for text that is not well-formed), bits 2-3
 * id mode (0 continues the previous record, 1 same client with a signed clock delta, 2 client
 * index and clock, 3 same client, ending where the previous record starts), bits 4-5 left origin (0 the previous record's last unit, 1 none, 2 the unit
 * before the record's own first clock, 3 a reference), bits 6-7 right origin (0 the next record's
 * first unit, 1 none, 2 a reference, 3 the previous record's right origin). A reference is one
 * varuint `2 * zigzag(clock delta)` for the record's own client, or `1` followed by a client index
 * and a clock. Record layout: info, length (unless implied), id, origins, inline content. In a snapshot,
 * records follow document order, so origins are nearly always implicit. Every count is checked
 * against the bytes left before anything is allocated or looped over.
 */
import { type ContainerKind, KIND_CODES, KINDS } from '../doc/container.js';
import { type Decoder, decodeWith } from '../encoding/decoder.js';
import { Encoder } from '../encoding/encoder.js';
import { DecodeError } from '../errors.js';
import { type DecodedUpdate, NONE, type ParentRef, parentKey, type UpdateRecord } from './records.js';
import { readValue, writeValue } from './values-codec.js';

/** Format version written first. */
export const UPDATE_VERSION = 1;

const C_LIVE = 0;
const C_DELETED = 1;
const C_LIVE1 = 2;
const C_DELETED1 = 3;
/** Largest clock delta written as a same-client reference. */
const MAX_DELTA = 2 ** 50;

function writeRef(
  enc: Encoder,
  ownClient: number,
  ownClock: number,
  client: number,
  clock: number,
  ci: (id: number) => number,
): void {
  const d = clock - ownClock;
  if (client === ownClient && Math.abs(d) < MAX_DELTA) {
    enc.writeVarUint((d >= 0 ? 2 * d : -2 * d - 1) * 2);
    return;
  }
  enc.writeVarUint(1);
  enc.writeVarUint(ci(client));
  enc.writeVarUint(clock);
}
const MAX_CLOCK = Number.MAX_SAFE_INTEGER;

function isWellFormed(s: string): boolean {
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

/** The kind of container a record belongs to. */
function groupKind(r: UpdateRecord): ContainerKind | 'gc' {
  if (r.t === 3) return 'gc';
  if (r.t === 1) return 'map';
  if (r.t === 2) return 'counter';
  return r.parent.kind === 'list' ? 'list' : 'text';
}

interface Group {
  ref: ParentRef | null;
  kind: ContainerKind | 'gc';
  records: UpdateRecord[];
}

/** Encode a decoded update (records in any order; each group keeps the given order). */
export function encodeUpdate(update: DecodedUpdate): Uint8Array {
  const clientIdx = new Map<number, number>();
  const clients: number[] = [];
  const ci = (id: number): number => {
    let i = clientIdx.get(id);
    if (i === undefined) {
      i = clients.length;
      clients.push(id);
      clientIdx.set(id, i);
    }
    return i;
  };
  const groups = new Map<string, Group>();
  for (const r of update.records) {
    const ref = r.t === 3 ? null : r.parent;
    const kind = groupKind(r);
    const key = ref === null ? '' : `${parentKey(ref)}|${kind}`;
    let g = groups.get(key);
    if (g === undefined) {
      g = { ref, kind, records: [] };
      groups.set(key, g);
    }
    g.records.push(r);
  }
  const body = new Encoder(256);
  body.writeVarUint(groups.size);
  for (const g of groups.values()) writeGroup(body, g, ci);
  body.writeVarUint(update.deletes.size);
  for (const [client, unsorted] of update.deletes) {
    const ranges = normalizeRanges(unsorted);
    body.writeVarUint(ci(client));
    body.writeVarUint(ranges.length / 2);
    let end = 0;
    for (let i = 0; i < ranges.length; i += 2) {
      const s = ranges[i] as number;
      const l = ranges[i + 1] as number;
      body.writeVarUint(s - end);
      body.writeVarUint(l);
      end = s + l;
    }
  }
  const head = new Encoder(16 + clients.length * 8);
  head.writeU8(UPDATE_VERSION);
  head.writeU8(update.snapshot === true ? 1 : 0);
  head.writeVarUint(clients.length);
  for (const c of clients) head.writeVarUint(c);
  head.writeRaw(body.toBytes());
  return head.toBytes();
}

/** Sort `[start, len, ...]` ranges and merge overlapping or touching ones. */
export function normalizeRanges(ranges: number[]): number[] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < ranges.length; i += 2) pairs.push([ranges[i] as number, ranges[i + 1] as number]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [s, l] of pairs) {
    const n = out.length;
    const lastEnd = n > 0 ? (out[n - 2] as number) + (out[n - 1] as number) : -1;
    if (n > 0 && lastEnd >= s) out[n - 1] = Math.max(lastEnd, s + l) - (out[n - 2] as number);
    else out.push(s, l);
  }
  return out;
}

function writeGroup(body: Encoder, g: Group, ci: (id: number) => number): void {
  const { ref, records } = g;
  if (ref === null) body.writeU8(2);
  else if (ref.name !== null) {
    body.writeU8(0);
    body.writeU8(KIND_CODES[ref.kind]);
    body.writeString(ref.name);
  } else {
    body.writeU8(1);
    body.writeU8(KIND_CODES[g.kind as ContainerKind]);
    body.writeVarUint(ci(ref.client));
    body.writeVarUint(ref.clock);
  }
  body.writeVarUint(records.length);
  const textParts: string[] = [];
  let prev: UpdateRecord | null = null;
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as UpdateRecord;
    let info = 0;
    let idMode: number;
    if (prev !== null && prev.client === r.client && prev.clock + prev.len === r.clock) idMode = 0;
    else if (prev !== null && prev.client === r.client && r.clock + r.len === prev.clock) idMode = 3;
    else if (prev !== null && prev.client === r.client) idMode = 1;
    else idMode = 2;
    info |= idMode << 2;
    let ol = 1;
    let or = 1;
    if (r.t === 0) {
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
    }
    body.writeU8(info);
    const content = info & 3;
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
      if (ol === 3) writeRef(body, r.client, r.clock, r.olClient, r.olClock, ci);
      if (or === 2) writeRef(body, r.client, r.clock, r.orClient, r.orClock, ci);
      const c = r.content;
      if (typeof c === 'string') {
        if (raw16) for (let k = 0; k < c.length; k++) body.writeVarUint(c.charCodeAt(k));
        else textParts.push(c);
      } else if (c !== null) for (const v of c) writeValue(body, v);
    } else if (r.t === 1) {
      body.writeString(r.key);
      body.writeVarUint(r.wall);
      body.writeVarUint(r.logical);
      writeValue(body, r.value);
    } else if (r.t === 2) writeValue(body, r.delta);
    prev = r;
  }
  if (g.kind === 'text') body.writeString(textParts.join(''));
}

function readClock(dec: Decoder): number {
  const c = dec.readVarUint();
  if (c >= MAX_CLOCK) throw new DecodeError('overflow', 'clock too large');
  return c;
}

/** Read a reference written by `writeRef`: [client, clock]. */
function readRef(dec: Decoder, ownClient: number, ownClock: number, client: () => number): [number, number] {
  const v = dec.readVarUint();
  if (v === 1) return [client(), readClock(dec)];
  if (v % 2 !== 0) throw new DecodeError('bad-tag', 'bad reference');
  const z = v / 2;
  const d = z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  const clock = ownClock + d;
  if (clock < 0 || clock >= MAX_CLOCK) throw new DecodeError('overflow', 'clock out of range');
  return [ownClient, clock];
}

/**
 * Decode an update. Checks the structure fully (every count against the bytes left, valid tags,
 * UTF-8, origin references) but not its meaning against a document (see `applyUpdate`).
 * @throws {DecodeError} for any malformed input.
 */
export function decodeUpdate(bytes: Uint8Array): DecodedUpdate {
  return decodeWith(bytes, (dec) => {
    const version = dec.readU8();
    if (version !== UPDATE_VERSION) throw new DecodeError('bad-version', `unknown update version ${version}`);
    const flags = dec.readU8();
    if (flags > 1) throw new DecodeError('bad-tag', `unknown update flags ${flags}`);
    const nClients = dec.readCount(1);
    const clients: number[] = [];
    for (let i = 0; i < nClients; i++) clients.push(dec.readVarUint());
    const client = (): number => {
      const i = dec.readVarUint();
      const c = clients[i];
      if (c === undefined) throw new DecodeError('invalid', `client index ${i} out of range`);
      return c;
    };
    const records: UpdateRecord[] = [];
    const nGroups = dec.readCount(2);
    for (let g = 0; g < nGroups; g++) readGroup(dec, client, records);
    const deletes = new Map<number, number[]>();
    const nDel = dec.readCount(2);
    for (let i = 0; i < nDel; i++) {
      const c = client();
      const m = dec.readCount(2);
      let ranges = deletes.get(c);
      if (ranges === undefined) {
        ranges = [];
        deletes.set(c, ranges);
      }
      let end = 0;
      for (let k = 0; k < m; k++) {
        const s = end + dec.readVarUint();
        const l = dec.readVarUint();
        if (l < 1 || s + l > MAX_CLOCK) throw new DecodeError('invalid', 'bad delete range');
        ranges.push(s, l);
        end = s + l;
      }
    }
    return flags === 1 ? { records, deletes, snapshot: true } : { records, deletes };
  });
}

function readGroup(dec: Decoder, client: () => number, records: UpdateRecord[]): void {
  const tag = dec.readU8();
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
  else throw new DecodeError('bad-tag', `unknown group tag ${tag}`);
  const n = dec.readCount(2);
  const orNext: number[] = [];
  const textAt: number[] = [];
  let textLen = 0;
  let prev: UpdateRecord | null = null;
  for (let i = 0; i < n; i++) {
    const info = dec.readU8();
    const idMode = (info >> 2) & 3;
    const content = info & 3;
    const seq = kind === 'text' || kind === 'list';
    if (!seq && (info & 0xf3) !== 0) throw new DecodeError('bad-tag', 'bad info byte');
    // Length first (the id may depend on it).
    let len = 1;
    let raw16 = false;
    if (kind === 'gc' || (seq && (content === C_LIVE || content === C_DELETED))) {
      len = dec.readVarUint();
      if (len === 0 && kind === 'text' && content === C_LIVE) {
        raw16 = true;
        len = dec.readVarUint();
      }
      if (len < 1) throw new DecodeError('invalid', 'empty run');
    }
    let c: number;
    let clock: number;
    if (idMode === 2) {
      c = client();
      clock = readClock(dec);
    } else {
      if (prev === null) throw new DecodeError('invalid', 'relative id without a previous record');
      c = prev.client;
      if (idMode === 3) clock = prev.clock - len;
      else clock = prev.clock + prev.len + (idMode === 1 ? dec.readVarInt() : 0);
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
        if (prev === null) throw new DecodeError('invalid', 'implicit origin without a previous record');
        olClient = prev.client;
        olClock = prev.clock + prev.len - 1;
      } else if (olMode === 2) {
        if (clock === 0) throw new DecodeError('invalid', 'no unit before clock 0');
        olClient = c;
        olClock = clock - 1;
      } else if (olMode === 3) {
        [olClient, olClock] = readRef(dec, c, clock, client);
      }
      let orClient = NONE;
      let orClock = 0;
      if (orMode === 0) {
        if (i + 1 >= n) throw new DecodeError('invalid', 'implicit right origin at the end of a group');
        orNext.push(records.length);
      } else if (orMode === 2) {
        [orClient, orClock] = readRef(dec, c, clock, client);
      } else if (orMode === 3) {
        if (prev === null || prev.t !== 0) throw new DecodeError('invalid', 'no previous right origin');
        orClient = prev.orClient;
        orClock = prev.orClock;
      }
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
      } else if (kind === 'text') {
        textAt.push(records.length);
        textLen += len;
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
        parent: parent as ParentRef,
        olClient,
        olClock,
        orClient,
        orClock,
        content: value,
      };
    } else if (kind === 'map') {
      const key = dec.readString();
      const wall = dec.readVarUint();
      const logical = dec.readVarUint();
      const value = readValue(dec, true);
      r = { t: 1, client: c, clock, len: 1, parent: parent as ParentRef, key, wall, logical, value };
    } else if (kind === 'counter') {
      const delta = readValue(dec, false);
      if (typeof delta !== 'number') throw new DecodeError('invalid', 'counter delta is not a number');
      r = { t: 2, client: c, clock, len: 1, parent: parent as ParentRef, delta };
    } else r = { t: 3, client: c, clock, len };
    records.push(r);
    prev = r;
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
