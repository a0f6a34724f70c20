/**
 * Working on updates without a document (for relays and storage): merge many updates into one,
 * and cut from an update the part a peer with a given state vector lacks.
 */
import { decodeUpdate, encodeUpdate, normalizeRanges } from './codec.js';
import { type DecodedUpdate, sliceRecord, type UpdateRecord } from './records.js';
import { decodeStateVector } from './state-vector.js';

function addRange(out: Map<number, number[]>, client: number, clock: number, len: number): void {
  let r = out.get(client);
  if (r === undefined) {
    r = [];
    out.set(client, r);
  }
  r.push(clock, len);
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
      if (r.t === 3 || (r.t === 0 && r.content === null)) addRange(deletes, r.client, r.clock, r.len);
    }
    for (const [c, ranges] of u.deletes)
      for (let i = 0; i < ranges.length; i += 2)
        addRange(deletes, c, ranges[i] as number, ranges[i + 1] as number);
  }
  // Keep each id once: per client by clock, first cover wins; preserve the original order.
  const byClient = new Map<number, UpdateRecord[]>();
  for (const r of all) {
    let l = byClient.get(r.client);
    if (l === undefined) {
      l = [];
      byClient.set(r.client, l);
    }
    l.push(r);
  }
  const keep = new Map<UpdateRecord, UpdateRecord>();
  for (const list of byClient.values()) {
    const sorted = list.slice().sort((a, b) => a.clock - b.clock);
    let end = -1;
    for (const r of sorted) {
      const rEnd = r.clock + r.len;
      if (rEnd <= end) continue;
      keep.set(r, r.clock < end ? sliceRecord(r, end) : r);
      end = rEnd;
    }
  }
  const records: UpdateRecord[] = [];
  for (const r of all) {
    const k = keep.get(r);
    if (k !== undefined) records.push(k);
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
