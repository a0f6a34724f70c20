/**
 * Working on updates without a document (for relays and storage): merge many updates into one,
 * and cut from an update the part a peer with a given state vector lacks.
 */

import { type DecodedUpdate, parentKey, sliceRecord, type UpdateRecord } from './records.js';
import { decodeStateVector } from './state-vector.js';
import { decodeUpdate, encodeUpdate, normalizeRanges } from './update-codec.js';

function addRange(out: Map<number, number[]>, client: number, clock: number, len: number): void {
  let r = out.get(client);
  if (r === undefined) {
    r = [];
    out.set(client, r);
  }
  r.push(clock, len);
}

/** Append `r` to `cur` when it continues it (same container, next clock, same origins). */
function extend(cur: UpdateRecord, r: UpdateRecord): boolean {
  if (cur.client !== r.client || cur.clock + cur.len !== r.clock) return false;
  if (cur.t === 3 && r.t === 3) {
    cur.len += r.len;
    return true;
  }
  if (cur.t !== 0 || r.t !== 0) return false;
  if (cur.parent !== r.parent && parentKey(cur.parent) !== parentKey(r.parent)) return false;
  if (r.olClient !== r.client || r.olClock !== r.clock - 1) return false;
  if (r.orClient !== cur.orClient || r.orClock !== cur.orClock) return false;
  const a = cur.content;
  const b = r.content;
  if (a === null || b === null) {
    if (a !== b) return false;
  } else if (typeof a === 'string') {
    if (typeof b !== 'string') return false;
    cur.content = a + b;
  } else {
    if (typeof b === 'string') return false;
    cur.content = a.concat(b);
  }
  cur.len += r.len;
  return true;
}

/**
 * Merge updates into one update equivalent to applying all of them (in any order). Structs are
 * kept once (overlaps are cut), deletions are united; ids that any input has as deleted or
 * collected stay deleted.
 * @throws {DecodeError} if any input is malformed.
 */
export function mergeUpdates(updates: Uint8Array[]): Uint8Array {
  const decoded = updates.map(decodeUpdate);
  const all: UpdateRecord[] = [];
  const deletes = new Map<number, number[]>();
  for (const u of decoded) {
    for (const r of u.records) {
      all.push(r);
      if (r.t === 3 || (r.t === 0 && r.content === null) || (r.t === 1 && r.value === undefined))
        addRange(deletes, r.client, r.clock, r.len);
    }
    for (const [c, ranges] of u.deletes)
      for (let i = 0; i < ranges.length; i += 2)
        addRange(deletes, c, ranges[i] as number, ranges[i + 1] as number);
  }
  // Keep each id once: per client by clock, the first cover wins.
  const byClient = new Map<number, UpdateRecord[]>();
  for (const r of all) {
    let l = byClient.get(r.client);
    if (l === undefined) {
      l = [];
      byClient.set(r.client, l);
    }
    l.push(r);
  }
  // Per client in clock order, runs that continue each other (typing forwards, one keystroke
  // per update) become one record, so merged logs stay small and integrate fast.
  const records: UpdateRecord[] = [];
  for (const list of byClient.values()) {
    const sorted = list.slice().sort((a, b) => a.clock - b.clock);
    let end = -1;
    let cur: UpdateRecord | null = null;
    for (const r0 of sorted) {
      const rEnd = r0.clock + r0.len;
      if (rEnd <= end) continue;
      const r = r0.clock < end ? sliceRecord(r0, end) : r0;
      end = rEnd;
      if (cur !== null && extend(cur, r)) continue;
      cur = r.t === 0 ? { ...r } : r.t === 3 ? { ...r } : r;
      records.push(cur);
    }
  }
  for (const [c, ranges] of deletes) deletes.set(c, normalizeRanges(ranges));
  return encodeUpdate({ records, deletes });
}

/**
 * The part of `update` that a peer with state vector `sv` (replica id -> next clock, see
 * `decodeStateVector`) lacks: structs from its clocks on, and every deletion.
 * @throws {DecodeError} if the update is malformed.
 */
export function diffUpdate(update: Uint8Array, sv: Map<number, number> | Uint8Array): Uint8Array {
  const vector = sv instanceof Uint8Array ? decodeStateVector(sv) : sv;
  const u = decodeUpdate(update);
  return encodeUpdate(diffDecoded(u, vector));
}

/** {@link diffUpdate} on decoded data. */
export function diffDecoded(u: DecodedUpdate, sv: Map<number, number>): DecodedUpdate {
  const records: UpdateRecord[] = [];
  for (const r of u.records) {
    const have = sv.get(r.client) ?? 0;
    if (r.clock + r.len <= have) continue;
    records.push(r.clock < have ? sliceRecord(r, have) : r);
  }
  return { records, deletes: u.deletes };
}
