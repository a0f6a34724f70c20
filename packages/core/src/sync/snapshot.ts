/**
 * From a document to the update a peer needs: the full snapshot (document order, tombstones
 * without content, a text's marks in a group after its characters, dead content as collected ids) and the diff against a state vector. The
 * records of single structs come from `doc/encode.ts`.
 */
import type { DocMap, List } from '../doc/collections.js';
import { Container } from '../doc/container.js';
import type { Counter } from '../doc/counter.js';
import type { Doc } from '../doc/doc.js';
import { exportContent, markRecord, recordsSince, refOf, structRecord } from '../doc/encode.js';
import { MarkOp } from '../doc/marks.js';
import { CounterOp, GcRun, MapEntry } from '../doc/structs.js';
import type { Text } from '../doc/text.js';
import { type Group, newGroup } from '../format/group-codec.js';
import type { DecodedUpdate, GcRecord, ParentRef, UpdateRecord } from '../format/records.js';
import { SeqColumns } from '../format/seq-columns.js';
import { markClocks, skipClock } from '../format/skip-marks.js';
import { Item, type Leaf, NO_CLIENT } from '../sequence/item.js';
import { Sequence } from '../sequence/sequence.js';
import type { ClientRuns, Struct } from '../store/struct-store.js';

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
 * The full snapshot as groups, one per live container in document order (tombstones as
 * content-less runs), then one group of every other id as collected runs. No delete set is
 * needed. Each group's records come in the order they are written, so the snapshot skips the
 * regrouping that {@link encodeUpdate} does for records in any order.
 */
export function snapshotGroups(doc: Doc): Group[] {
  const groups: Group[] = [];
  const ids = doc.clientIds;
  // Units emitted per local client: a client whose every unit is in a container group needs no
  // collected runs, and its structs are not walked a second time.
  const emittedUnits: number[] = new Array<number>(ids.length).fill(0);
  const emitted = new Set<Container>();
  const refs = new Map<Container, ParentRef>();
  const visit = (c: Container): void => {
    emitted.add(c);
    const ref = refOf(doc, c);
    const records: UpdateRecord[] = [];
    const nested: Container[] = [];
    if (c.kind === 'text' || c.kind === 'list') {
      const isList = c.kind === 'list';
      const textMarks = isList ? null : (c as Text).marks;
      // A formatted text's clocks skip its marks' clocks (`skip-marks.ts`).
      const skip = textMarks !== null && textMarks.length > 0 ? markClocks(textMarks) : null;
      // A formatted text's items by their first unit's position in the group (marks' anchors).
      const itemPos = skip !== null ? new Map<Item, number>() : null;
      const cols = sequenceColumns((c as Text | List).seq, ids, isList, skip, itemPos, emittedUnits, nested);
      if (cols.length > 0) groups.push(newGroup(ref, c.kind, [], cols, skip !== null));
      const marks = textMarks;
      if (marks !== null && marks.length > 0) {
        // By (replica, clock): the same bytes whatever order the marks arrived in.
        const sorted = marks
          .slice()
          .sort((a, b) => (ids[a.client] as number) - (ids[b.client] as number) || a.clock - b.clock);
        const markRecords: UpdateRecord[] = [];
        for (const m of sorted) {
          emittedUnits[m.client] = (emittedUnits[m.client] as number) + 1;
          markRecords.push(markRecord(doc, m, ref));
        }
        const positions = itemPos !== null && cols.length > 0 ? anchorPositions(doc, sorted, itemPos) : null;
        groups.push(newGroup(ref, 'marks', markRecords, undefined, false, positions ?? undefined));
      }
    } else if (c.kind === 'map') {
      // Keys sorted, a key's entries by (replica, clock): the same bytes whatever the order the
      // replica received them in.
      const map = c as DocMap;
      for (const key of [...(map.concurrent ? map.live.keys() : map.top.keys())].sort()) {
        const entries = map.concurrent
          ? (map.live.get(key) as MapEntry[]).slice()
          : [map.top.get(key) as MapEntry];
        if (entries.length > 1) {
          entries.sort((a, b) => (ids[a.client] as number) - (ids[b.client] as number) || a.clock - b.clock);
        }
        for (const e of entries) {
          emittedUnits[e.client] = (emittedUnits[e.client] as number) + 1;
          records.push(structRecord(doc, e, e.clock, refs));
          if (e.value instanceof Container) nested.push(e.value);
        }
      }
    } else {
      const ops = (c as Counter).ops
        .slice()
        .sort((a, b) => (ids[a.client] as number) - (ids[b.client] as number) || a.clock - b.clock);
      for (const op of ops) {
        emittedUnits[op.client] = (emittedUnits[op.client] as number) + 1;
        records.push({
          t: 2,
          client: ids[op.client] as number,
          clock: op.clock,
          len: 1,
          parent: ref,
          delta: op.delta,
        });
      }
    }
    if (records.length > 0) groups.push(newGroup(ref, c.kind, records));
    for (const n of nested) visit(n);
  };
  // Roots by kind and name, collected runs by replica id: the same bytes on every replica that
  // holds the same state, whatever order it received it in.
  const roots = [...doc.rootEntries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [, c] of roots) visit(c);
  // Everything not emitted above: collected runs, merged per client, clients by replica id (a
  // native numeric sort: ids are distinct and below 2^53).
  const collected: UpdateRecord[] = [];
  const pending: number[] = [];
  for (const [ci, runs] of doc.store.clients)
    if (emittedUnits[ci] !== runs.next) pending.push(ids[ci] as number);
  const order = Float64Array.from(pending).sort();
  for (let k = 0; k < order.length; k++) {
    const client = order[k] as number;
    const runs = doc.store.clients.get(doc.knownClientIndex(client) as number) as ClientRuns;
    // A client holding one struct (each of a map's many concurrent writers) needs no chunk walk.
    const only = runs.only;
    if (only !== null) {
      collectStruct(only, client, null, collected, emitted);
      continue;
    }
    const chunks = runs.chunkList;
    let open: GcRecord | null = null;
    for (let j = 0; j < chunks.length; j++) {
      const chunk = chunks[j] as readonly Struct[];
      for (let i = 0; i < chunk.length; i++)
        open = collectStruct(chunk[i] as Struct, client, open, collected, emitted);
    }
  }
  if (collected.length > 0) groups.push(newGroup(null, 'gc', collected));
  return groups;
}

/**
 * One struct of `client` for the snapshot's collected runs: skipped when its container's group
 * holds it, else merged into `open` where it continues it, or pushed onto `collected` as a new
 * run. Returns the run the client's next struct may continue.
 */
function collectStruct(
  s: Struct,
  client: number,
  open: GcRecord | null,
  collected: UpdateRecord[],
  emitted: ReadonlySet<Container>,
): GcRecord | null {
  let owner: Container | null = null;
  if (s instanceof Item) owner = Sequence.of(s).listener as unknown as Container;
  else if (s instanceof MapEntry) owner = s.deleted && !(s.parent as DocMap).isTombstone(s) ? null : s.parent;
  else if (s instanceof CounterOp || s instanceof MarkOp) owner = s.parent;
  if (owner !== null && emitted.has(owner)) return open;
  if (open !== null && open.clock + open.len === s.clock) {
    open.len += s.len;
    return open;
  }
  const run: GcRecord = { t: 3, client, clock: s.clock, len: s.len };
  collected.push(run);
  return run;
}

/**
 * The columns of a text's or list's items in document order, tombstones without content, each
 * item merged into the record before it where it continues it ({@link extendLast}). Adds each
 * item's units to `emittedUnits` (by local client) and pushes a list's live nested containers
 * onto `nested`; `skip` holds a formatted text's mark clocks, and `itemPos` receives each item's
 * first unit's position (for the marks' anchors). A function of its own, not part of the
 * snapshot's visitor, and each item's fields read once: this loop runs once per item of the
 * document on every snapshot.
 */
function sequenceColumns(
  seq: Sequence,
  ids: readonly number[],
  isList: boolean,
  skip: ReturnType<typeof markClocks> | null,
  itemPos: Map<Item, number> | null,
  emittedUnits: number[],
  nested: Container[],
): SeqColumns {
  const leaves = seq.index.leaves;
  // At most one record per item: columns sized once, never grown.
  let itemCount = 0;
  for (let li = 0; li < leaves.length; li++) itemCount += (leaves[li] as Leaf).items.length;
  const cols = new SeqColumns(itemCount);
  cols.ids = ids;
  let unit = 0;
  for (let li = 0; li < leaves.length; li++) {
    const items = (leaves[li] as Leaf).items;
    for (let ii = 0; ii < items.length; ii++) {
      const it = items[ii] as Item;
      const client = it.client;
      const len = it.len;
      const olClient = it.olClient;
      const orClient = it.orClient;
      if (itemPos !== null) {
        itemPos.set(it, unit);
        unit += len;
      }
      emittedUnits[client] = (emittedUnits[client] as number) + len;
      let clock = it.clock;
      let olClock = it.olClock;
      let orClock = it.orClock;
      if (skip !== null) {
        clock = skipClock(skip.get(client), clock);
        if (olClient !== NO_CLIENT) olClock = skipClock(skip.get(olClient), olClock);
        if (orClient !== NO_CLIENT) orClock = skipClock(skip.get(orClient), orClock);
      }
      if (!extendLast(cols, it, client, clock, len, olClient, olClock, orClient, orClock)) {
        cols.push(client, clock, len, olClient, olClock, orClient, orClock, exportContent(it, 0));
      }
      if (isList && !it.deleted) {
        for (const v of it.content as unknown[]) if (v instanceof Container) nested.push(v);
      }
    }
  }
  return cols;
}

/**
 * The stored positions of the anchors of `marks` (two per mark: start, end; -1 for an edge) in
 * their text's group, whose items start at the positions `itemPos` holds; null when an anchor is
 * not a unit of the text (the group then names anchors by clock).
 */
function anchorPositions(
  doc: Doc,
  marks: readonly MarkOp[],
  itemPos: Map<Item, number>,
): Float64Array | null {
  const out = new Float64Array(2 * marks.length);
  const at = (client: number, clock: number): number => {
    if (client === NO_CLIENT) return -1;
    const s = doc.store.find(client, clock);
    const p = s instanceof Item ? itemPos.get(s) : undefined;
    return p === undefined ? -2 : p + clock - (s as Item).clock;
  };
  for (let k = 0; k < marks.length; k++) {
    const m = marks[k] as MarkOp;
    const s = at(m.startClient, m.startClock);
    const e = at(m.endClient, m.endClock);
    if (s === -2 || e === -2) return null;
    out[2 * k] = s;
    out[2 * k + 1] = e;
  }
  return out;
}

/**
 * Extend the last record with item `it` when `it` continues it (same client, next clock, left
 * origin its last unit, same right origin, same liveness): runs split by edits that were later
 * undone by deletes, or by the clocks of marks, travel as one record. No record is added for an
 * item merged this way. `client`, `len` and the origin clients are the item's fields, read once by
 * the caller; `clock`, `olClock` and `orClock` are its clocks counted without the marks' clocks.
 * Clients are the document's local indices (`cols.ids` is its table), `NO_CLIENT` is `NONE`.
 */
function extendLast(
  cols: SeqColumns,
  it: Item,
  client: number,
  clock: number,
  len: number,
  olClient: number,
  olClock: number,
  orClient: number,
  orClock: number,
): boolean {
  const k = cols.length - 1;
  if (k < 0 || olClient !== client || olClock !== clock - 1) return false;
  const last = cols.content[k] as string | unknown[] | null;
  const content = it.units;
  if (
    cols.client[k] !== client ||
    (cols.clock[k] as number) + (cols.len[k] as number) !== clock ||
    cols.orClock[k] !== orClock ||
    cols.orClient[k] !== orClient ||
    (last === null) !== (content === null) ||
    typeof last !== typeof content
  )
    return false;
  cols.len[k] = (cols.len[k] as number) + len;
  if (typeof content === 'string') cols.content[k] = (last as string) + content;
  else if (content !== null) cols.content[k] = (last as unknown[]).concat(exportContent(it, 0) as unknown[]);
  return true;
}
