/**
 * From a document to the update a peer needs: the full snapshot (document order, tombstones
 * without content, dead content as collected ids) and the diff against a state vector. The
 * records of single structs come from `doc/encode.ts`.
 */
import type { DocMap, List } from '../doc/collections.js';
import { Container } from '../doc/container.js';
import type { Counter } from '../doc/counter.js';
import type { Doc } from '../doc/doc.js';
import { recordsSince, refOf, seqRecord, structRecord } from '../doc/encode.js';
import { CounterOp, GcRun, MapEntry } from '../doc/structs.js';
import type { Text } from '../doc/text.js';
import type { DecodedUpdate, ParentRef, SeqRecord, UpdateRecord } from '../format/records.js';
import { Item } from '../sequence/item.js';
import { Sequence } from '../sequence/sequence.js';

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
