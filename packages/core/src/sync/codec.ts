/**
 * The binary update format. One format serves incremental updates, diffs and full snapshots:
 *
 * ```
 * u8 version (1), u8 flags (bit 0: a snapshot in document order)
 * clients: count, replica ids            (records refer to clients by table index)
 * groups: count, then per container:     parent tag (0 root: kind, name | 1 nested: holder id)
 *   records: count, then per record:     info byte, id?, origins?, content
 * delete set: count, then per client:    client index, count, (gap, len) pairs
 * ```
 *
 * The info byte holds the record kind (bits 0-2), whether the id is explicit (bit 3; otherwise it
 * continues the previous record of the group), the left origin mode (bits 4-5: the previous
 * record's last unit, none, explicit) and the right origin mode (bits 6-7: the next record's first
 * unit, none, explicit). In a snapshot, records follow document order, so origins are nearly
 * always implicit. Every count is checked against the bytes left before anything is allocated.
 */
import { KIND_CODES, KINDS } from '../doc/container.js';
import { type Decoder, decodeWith } from '../encoding/decoder.js';
import { Encoder } from '../encoding/encoder.js';
import { DecodeError } from '../errors.js';
import { type DecodedUpdate, NONE, type ParentRef, parentKey, type UpdateRecord } from './records.js';
import { readValue, writeValue } from './values-codec.js';

/** Format version written first. */
export const UPDATE_VERSION = 1;

const K_TEXT = 0;
const K_TEXT16 = 1;
const K_LIST = 2;
const K_DELETED = 3;
const K_MAP = 4;
const K_COUNTER = 5;
const K_GC = 6;
const F_ID = 8;
const O_PREV = 0;
const O_NONE = 1;
const O_EXPLICIT = 2;

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
  const groups = new Map<string, { ref: ParentRef | null; records: UpdateRecord[] }>();
  for (const r of update.records) {
    const ref = r.t === 3 ? null : r.parent;
    const key = ref === null ? '' : parentKey(ref);
    let g = groups.get(key);
    if (g === undefined) {
      g = { ref, records: [] };
      groups.set(key, g);
    }
    g.records.push(r);
    ci(r.client);
    if (r.t === 0) {
      if (r.olClient !== NONE) ci(r.olClient);
      if (r.orClient !== NONE) ci(r.orClient);
    }
    if (ref !== null && ref.name === null) ci(ref.client);
  }
  for (const c of update.deletes.keys()) ci(c);

  const body = new Encoder(256);
  body.writeVarUint(groups.size);
  for (const { ref, records } of groups.values()) {
    if (ref === null) body.writeU8(2);
    else if (ref.name !== null) {
      body.writeU8(0);
      body.writeU8(KIND_CODES[ref.kind]);
      body.writeString(ref.name);
    } else {
      body.writeU8(1);
      body.writeVarUint(ci(ref.client));
      body.writeVarUint(ref.clock);
    }
    body.writeVarUint(records.length);
    let prev: UpdateRecord | null = null;
    for (let i = 0; i < records.length; i++) {
      const r = records[i] as UpdateRecord;
      const next = records[i + 1];
      let info: number;
      switch (r.t) {
        case 0:
          if (r.content === null) info = K_DELETED;
          else if (typeof r.content === 'string') info = isWellFormed(r.content) ? K_TEXT : K_TEXT16;
          else info = K_LIST;
          break;
        case 1:
          info = K_MAP;
          break;
        case 2:
          info = K_COUNTER;
          break;
        default:
          info = K_GC;
      }
      const implicitId = prev !== null && prev.client === r.client && prev.clock + prev.len === r.clock;
      if (!implicitId) info |= F_ID;
      let ol = O_NONE;
      let or = O_NONE;
      if (r.t === 0) {
        if (r.olClient !== NONE) {
          ol =
            prev !== null && prev.client === r.olClient && prev.clock + prev.len - 1 === r.olClock
              ? O_PREV
              : O_EXPLICIT;
        }
        if (r.orClient !== NONE) {
          or =
            next !== undefined && next.client === r.orClient && next.clock === r.orClock
              ? O_PREV
              : O_EXPLICIT;
        }
        info |= (ol << 4) | (or << 6);
      }
      body.writeU8(info);
      if (!implicitId) {
        body.writeVarUint(ci(r.client));
        body.writeVarUint(r.clock);
      }
      if (r.t === 0) {
        if (ol === O_EXPLICIT) {
          body.writeVarUint(ci(r.olClient));
          body.writeVarUint(r.olClock);
        }
        if (or === O_EXPLICIT) {
          body.writeVarUint(ci(r.orClient));
          body.writeVarUint(r.orClock);
        }
        const c = r.content;
        if (c === null) body.writeVarUint(r.len);
        else if (typeof c === 'string') {
          if ((info & 7) === K_TEXT) body.writeString(c);
          else {
            body.writeVarUint(c.length);
            for (let k = 0; k < c.length; k++) body.writeVarUint(c.charCodeAt(k));
          }
        } else {
          body.writeVarUint(c.length);
          for (const v of c) writeValue(body, v);
        }
      } else if (r.t === 1) {
        body.writeString(r.key);
        body.writeVarUint(r.wall);
        body.writeVarUint(r.logical);
        writeValue(body, r.value);
      } else if (r.t === 2) {
        writeValue(body, r.delta);
      } else {
        body.writeVarUint(r.len);
      }
      prev = r;
    }
  }
  body.writeVarUint(update.deletes.size);
  for (const [client, ranges] of update.deletes) {
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

function readClock(dec: Decoder): number {
  const c = dec.readVarUint();
  if (c >= MAX_CLOCK) throw new DecodeError('overflow', 'clock too large');
  return c;
}

function readLen(dec: Decoder, clock: number): number {
  const n = dec.readVarUint();
  if (n < 1) throw new DecodeError('invalid', 'empty run');
  if (clock + n > MAX_CLOCK) throw new DecodeError('overflow', 'run exceeds the clock range');
  return n;
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
    for (let g = 0; g < nGroups; g++) {
      const tag = dec.readU8();
      let parent: ParentRef | null;
      if (tag === 0) {
        const kind = KINDS[dec.readU8()];
        if (kind === undefined) throw new DecodeError('bad-tag', 'unknown root kind');
        parent = { name: dec.readString(), kind, client: NONE, clock: 0 };
      } else if (tag === 1) {
        const c = client();
        parent = { name: null, kind: 'map', client: c, clock: readClock(dec) };
      } else if (tag === 2) parent = null;
      else throw new DecodeError('bad-tag', `unknown parent tag ${tag}`);
      const n = dec.readCount(2);
      const orNext: number[] = [];
      let prev: UpdateRecord | null = null;
      for (let i = 0; i < n; i++) {
        const info = dec.readU8();
        const kind = info & 7;
        let c: number;
        let clock: number;
        if (info & F_ID) {
          c = client();
          clock = readClock(dec);
        } else {
          if (prev === null) throw new DecodeError('invalid', 'implicit id without a previous record');
          c = prev.client;
          clock = prev.clock + prev.len;
          if (clock >= MAX_CLOCK) throw new DecodeError('overflow', 'clock too large');
        }
        const olMode = (info >> 4) & 3;
        const orMode = (info >> 6) & 3;
        let r: UpdateRecord;
        if (kind <= K_DELETED) {
          if (parent === null) throw new DecodeError('invalid', 'sequence run without a container');
          let olClient = NONE;
          let olClock = 0;
          if (olMode === O_PREV) {
            if (prev === null) throw new DecodeError('invalid', 'implicit origin without a previous record');
            olClient = prev.client;
            olClock = prev.clock + prev.len - 1;
          } else if (olMode === O_EXPLICIT) {
            olClient = client();
            olClock = readClock(dec);
          } else if (olMode !== O_NONE) throw new DecodeError('bad-tag', 'bad origin mode');
          let orClient = NONE;
          let orClock = 0;
          if (orMode === O_EXPLICIT) {
            orClient = client();
            orClock = readClock(dec);
          } else if (orMode === O_PREV) {
            if (i + 1 >= n) throw new DecodeError('invalid', 'implicit right origin at the end of a group');
            orNext.push(records.length);
          } else if (orMode !== O_NONE) throw new DecodeError('bad-tag', 'bad origin mode');
          let content: string | unknown[] | null;
          let len: number;
          if (kind === K_TEXT) {
            content = dec.readString();
            len = content.length;
          } else if (kind === K_TEXT16) {
            const m = dec.readCount(1);
            const units: number[] = [];
            for (let k = 0; k < m; k++) {
              const u = dec.readVarUint();
              if (u > 0xffff) throw new DecodeError('invalid', 'code unit out of range');
              units.push(u);
            }
            let s = '';
            for (let k = 0; k < units.length; k += 4096) {
              s += String.fromCharCode(...units.slice(k, k + 4096));
            }
            content = s;
            len = m;
          } else if (kind === K_LIST) {
            const m = dec.readCount(1);
            const vals: unknown[] = [];
            for (let k = 0; k < m; k++) vals.push(readValue(dec, true));
            content = vals;
            len = m;
          } else {
            content = null;
            len = readLen(dec, clock);
          }
          if (len < 1) throw new DecodeError('invalid', 'empty run');
          if (clock + len > MAX_CLOCK) throw new DecodeError('overflow', 'run exceeds the clock range');
          r = { t: 0, client: c, clock, len, parent, olClient, olClock, orClient, orClock, content };
        } else {
          if (olMode !== 0 || orMode !== 0)
            throw new DecodeError('invalid', 'origins on a non-sequence record');
          if (kind === K_MAP) {
            if (parent === null) throw new DecodeError('invalid', 'map entry without a container');
            const key = dec.readString();
            const wall = dec.readVarUint();
            const logical = dec.readVarUint();
            r = { t: 1, client: c, clock, len: 1, parent, key, wall, logical, value: readValue(dec, true) };
          } else if (kind === K_COUNTER) {
            if (parent === null) throw new DecodeError('invalid', 'counter op without a container');
            const delta = readValue(dec, false);
            if (typeof delta !== 'number') throw new DecodeError('invalid', 'counter delta is not a number');
            r = { t: 2, client: c, clock, len: 1, parent, delta };
          } else if (kind === K_GC) {
            r = { t: 3, client: c, clock, len: readLen(dec, clock) };
          } else throw new DecodeError('bad-tag', `unknown record kind ${kind}`);
        }
        records.push(r);
        prev = r;
      }
      for (const at of orNext) {
        const r = records[at] as UpdateRecord & { t: 0 };
        const nx = records[at + 1] as UpdateRecord;
        r.orClient = nx.client;
        r.orClock = nx.clock;
      }
    }
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
