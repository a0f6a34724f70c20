/**
 * From a document to update records: the full snapshot (document order, tombstones without
 * content, dead content as collected ids), a diff against a state vector, and the update of one
 * transaction.
 */
import { Container } from '../doc/container.js';
import type { Counter } from '../doc/counter.js';
import type { Doc } from '../doc/doc.js';
import type { List } from '../doc/list.js';
import type { DocMap } from '../doc/map.js';
import { CounterOp, GcRun, MapEntry } from '../doc/structs.js';
import type { Text } from '../doc/text.js';
import type { Transaction } from '../doc/transaction.js';
import { Item, NO_CLIENT } from '../sequence/item.js';
import { Sequence } from '../sequence/sequence.js';
import type { Struct } from '../store/struct-store.js';
import {
  ContainerValue,
  type DecodedUpdate,
  NONE,
  type ParentRef,
  type SeqRecord,
  type UpdateRecord,
} from './records.js';
import { encodeUpdate } from './update-codec.js';

/** The parent reference of a container (real replica ids). */
export function refOf(doc: Doc, c: Container): ParentRef {
  if (c.rootName !== null) return { name: c.rootName, kind: c.kind, client: NONE, clock: 0 };
  return { name: null, kind: c.kind, client: doc.clientIds[c.holderClient] as number, clock: c.holderClock };
}

function exportValue(v: unknown): unknown {
  return v instanceof Container ? new ContainerValue(v.kind, v.concurrent) : v;
}

function seqRecord(doc: Doc, it: Item, ref: ParentRef, from: number): UpdateRecord {
  const ids = doc.clientIds;
  const off = from - it.clock;
  let content: string | unknown[] | null = null;
  if (it.content !== null) {
    content = typeof it.content === 'string' ? it.content : it.content.map(exportValue);
    if (off > 0) content = content.slice(off);
  }
  return {
    t: 0,
    client: ids[it.client] as number,
    clock: from,
    len: it.len - off,
    parent: ref,
    olClient:
      off > 0 ? (ids[it.client] as number) : it.olClient === NO_CLIENT ? NONE : (ids[it.olClient] as number),
    olClock: off > 0 ? from - 1 : it.olClock,
    orClient: it.orClient === NO_CLIENT ? NONE : (ids[it.orClient] as number),
    orClock: it.orClock,
    content,
  };
}

/** The record of struct `s` from clock `from` on. */
function structRecord(doc: Doc, s: Struct, from: number, refs: Map<Container, ParentRef>): UpdateRecord {
  const ref = (c: Container): ParentRef => {
    let r = refs.get(c);
    if (r === undefined) {
      r = refOf(doc, c);
      refs.set(c, r);
    }
    return r;
  };
  const client = doc.clientIds[s.client] as number;
  if (s instanceof Item) {
    const container = Sequence.of(s).listener as unknown as Container;
    return seqRecord(doc, s, ref(container), from);
  }
  if (s instanceof MapEntry) {
    if (s.deleted && !(s.parent as DocMap).isTombstone(s)) return { t: 3, client, clock: s.clock, len: 1 };
    return {
      t: 1,
      client,
      clock: s.clock,
      len: 1,
      parent: ref(s.parent),
      key: s.key,
      wall: s.wall,
      logical: s.logical,
      value: exportValue(s.value),
    };
  }
  if (s instanceof CounterOp)
    return { t: 2, client, clock: s.clock, len: 1, parent: ref(s.parent), delta: s.delta };
  return { t: 3, client, clock: from, len: s.len - (from - s.clock) };
}

/**
 * Records of every struct with clock >= `since(client)`, per client in clock order, for the
 * client indexes `clients` (default: every client of the store).
 */
function recordsSince(
  doc: Doc,
  since: (clientIndex: number) => number,
  clients: Iterable<number> = doc.store.clients.keys(),
): UpdateRecord[] {
  const out: UpdateRecord[] = [];
  const refs = new Map<Container, ParentRef>();
  for (const c of clients) {
    const runs = doc.store.clients.get(c);
    const from = since(c);
    if (runs === undefined || from >= runs.next) continue;
    runs.forEachFrom(from, (s) => out.push(structRecord(doc, s, Math.max(from, s.clock), refs)));
  }
  return out;
}

/** Every deleted id of the document (deleted runs, overwritten entries, collected ids). */
export function docDeleteSet(doc: Doc): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const [c, runs] of doc.store.clients) {
    const ranges: number[] = [];
    runs.forEachFrom(0, (s) => {
      const deleted = s instanceof GcRun || ((s instanceof Item || s instanceof MapEntry) && s.deleted);
      if (!deleted) return;
      const n = ranges.length;
      if (n > 0 && (ranges[n - 2] as number) + (ranges[n - 1] as number) === s.clock) {
        ranges[n - 1] = (ranges[n - 1] as number) + s.len;
      } else ranges.push(s.clock, s.len);
    });
    if (ranges.length > 0) out.set(doc.clientIds[c] as number, ranges);
  }
  return out;
}

/**
 * The update holding exactly what transaction `t` added and deleted. Only the clients the
 * transaction touched are looked at, so its cost does not grow with the number of replicas the
 * document has heard of.
 */
export function encodeTransaction(doc: Doc, t: Transaction): Uint8Array {
  const touched = t.others === null ? [0] : [0, ...t.others.keys()];
  const records = recordsSince(doc, (c) => t.before(c) ?? Number.MAX_SAFE_INTEGER, touched);
  const deletes = new Map<number, number[]>();
  if (t.deletes !== null) {
    for (const [c, ranges] of t.deletes.clients) deletes.set(doc.clientIds[c] as number, ranges.slice());
  }
  return encodeUpdate({ records, deletes });
}

/** Records of everything a peer with state vector `sv` (real ids) lacks, plus all deletions. */
export function diffRecords(doc: Doc, sv: Map<number, number>): DecodedUpdate {
  const records = recordsSince(doc, (c) => sv.get(doc.clientIds[c] as number) ?? 0);
  return { records, deletes: docDeleteSet(doc) };
}

/**
 * The full snapshot: each live container's structs in document order (tombstones as content-less
 * runs), then every other id as collected runs. No delete set is needed.
 */
export function snapshotRecords(doc: Doc): DecodedUpdate {
  const records: UpdateRecord[] = [];
  const emitted = new Set<Container>();
  const visit = (c: Container): void => {
    emitted.add(c);
    const ref = refOf(doc, c);
    if (c.kind === 'text' || c.kind === 'list') {
      const seq = (c as Text | List).seq;
      const nested: Container[] = [];
      for (const leaf of seq.index.leaves) {
        for (const it of leaf.items) {
          pushMerged(records, seqRecord(doc, it, ref, it.clock) as SeqRecord);
          if (c.kind === 'list' && it.content !== null) {
            for (const v of it.content as unknown[]) if (v instanceof Container) nested.push(v);
          }
        }
      }
      for (const n of nested) visit(n);
    } else if (c.kind === 'map') {
      // Keys sorted, a key's entries by (replica, clock): the same bytes whatever the order the
      // replica received them in.
      const map = c as DocMap;
      const nested: Container[] = [];
      const ids = doc.clientIds;
      const refs = new Map<Container, ParentRef>();
      for (const key of [...(map.concurrent ? map.live.keys() : map.top.keys())].sort()) {
        const entries = map.concurrent
          ? (map.live.get(key) as MapEntry[]).slice()
          : [map.top.get(key) as MapEntry];
        if (entries.length > 1) {
          entries.sort((a, b) => (ids[a.client] as number) - (ids[b.client] as number) || a.clock - b.clock);
        }
        for (const e of entries) {
          records.push(structRecord(doc, e, e.clock, refs));
          if (e.value instanceof Container) nested.push(e.value);
        }
      }
      for (const n of nested) visit(n);
    } else {
      const ids = doc.clientIds;
      const ops = (c as Counter).ops
        .slice()
        .sort((a, b) => (ids[a.client] as number) - (ids[b.client] as number) || a.clock - b.clock);
      for (const op of ops) {
        records.push({
          t: 2,
          client: doc.clientIds[op.client] as number,
          clock: op.clock,
          len: 1,
          parent: ref,
          delta: op.delta,
        });
      }
    }
  };
  // Roots by kind and name, collected runs by replica id: the same bytes on every replica that
  // holds the same state, whatever order it received it in.
  const roots = [...doc.rootEntries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [, c] of roots) visit(c);
  // Everything not emitted above: collected runs, merged per client.
  const clients = [...doc.store.clients].sort(
    ([a], [b]) => (doc.clientIds[a] as number) - (doc.clientIds[b] as number),
  );
  for (const [ci, runs] of clients) {
    const client = doc.clientIds[ci] as number;
    let open: UpdateRecord & { t: 3 } = { t: 3, client, clock: -1, len: 0 };
    runs.forEachFrom(0, (s) => {
      let owner: Container | null = null;
      if (s instanceof Item) owner = Sequence.of(s).listener as unknown as Container;
      else if (s instanceof MapEntry)
        owner = s.deleted && !(s.parent as DocMap).isTombstone(s) ? null : s.parent;
      else if (s instanceof CounterOp) owner = s.parent;
      if (owner !== null && emitted.has(owner)) return;
      if (open.clock >= 0 && open.clock + open.len === s.clock) open.len += s.len;
      else {
        open = { t: 3, client, clock: s.clock, len: s.len };
        records.push(open);
      }
    });
  }
  return { records, deletes: new Map(), snapshot: true };
}

/**
 * Append `r`, or extend the previous record when `r` continues it (same client, next clock, left
 * origin its last unit, same right origin, same liveness): runs split by edits that were later
 * undone by deletes travel as one record.
 */
function pushMerged(records: UpdateRecord[], r: SeqRecord): void {
  const last = records[records.length - 1];
  if (
    last !== undefined &&
    last.t === 0 &&
    last.parent === r.parent &&
    last.client === r.client &&
    last.clock + last.len === r.clock &&
    r.olClient === r.client &&
    r.olClock === r.clock - 1 &&
    last.orClient === r.orClient &&
    last.orClock === r.orClock &&
    (last.content === null) === (r.content === null) &&
    typeof last.content === typeof r.content
  ) {
    last.len += r.len;
    if (typeof last.content === 'string') last.content += r.content as string;
    else if (last.content !== null) last.content = last.content.concat(r.content as unknown[]);
    return;
  }
  records.push(r);
}
