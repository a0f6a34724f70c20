/**
 * Fast loading of a full snapshot into an empty document: the snapshot lists each container's
 * runs in document order, so the sequence index is built by appending, with no integration and
 * no conflict scan. The structure is validated, and so is the order: each sequence's runs must be
 * listed in the order integrating them by their origins gives (`order-check.ts`), since a
 * forged order loaded as stored would leave this replica apart from every replica that integrates
 * the same runs, for good. Everything is validated before the document is touched; anything unusual
 * (a non-empty document, observers, pending updates, a snapshot that does not tile each client's
 * clocks exactly) returns false and the caller takes the general path.
 */

import type { DocMap } from '../doc/collections.js';
import type { Container } from '../doc/container.js';
import type { Counter } from '../doc/counter.js';
import type { Doc } from '../doc/doc.js';
import { MAX_MARK_KEY, MarkOp } from '../doc/marks.js';
import { CounterOp, GcRun, MapEntry } from '../doc/structs.js';
import type { Text } from '../doc/text.js';
import { MAX_LOGICAL, MAX_WALL } from '../format/marks-codec.js';
import {
  ContainerValue,
  type CounterRecord,
  type DecodedUpdate,
  type MarkRecord,
  NONE,
  type ParentRef,
  parentKey,
  type UpdateRecord,
} from '../format/records.js';
import { Item, NO_CLIENT } from '../sequence/item.js';
import { sortByClock } from '../sorted.js';
import type { Struct } from '../store/struct-store.js';
import { sequencesInOriginOrder } from './load-order-groups.js';

/** Per client: indexes of its records sorted by clock, or null unless they tile `0 .. n-1`. */
function tile(records: UpdateRecord[]): Map<number, number[]> | null {
  const by = new Map<number, number[]>();
  for (let i = 0; i < records.length; i++) {
    const c = (records[i] as UpdateRecord).client;
    let l = by.get(c);
    if (l === undefined) {
      l = [];
      by.set(c, l);
    }
    l.push(i);
  }
  for (let [c, l] of by) {
    l = Array.from(sortByClock(l, records));
    by.set(c, l);
    let next = 0;
    for (const i of l) {
      const r = records[i] as UpdateRecord;
      if (r.clock !== next) return null;
      next = r.clock + r.len;
    }
  }
  return by;
}

/** The record holding `(client, clock)`, by binary search in its client's sorted indexes. */
function find(
  records: UpdateRecord[],
  by: Map<number, number[]>,
  client: number,
  clock: number,
): UpdateRecord | undefined {
  const i = findIndex(records, by, client, clock);
  return i < 0 ? undefined : records[i];
}

/** Index of the record holding `(client, clock)`, or -1. */
function findIndex(
  records: UpdateRecord[],
  by: Map<number, number[]>,
  client: number,
  clock: number,
): number {
  const l = by.get(client);
  if (l === undefined) return -1;
  let lo = 0;
  let hi = l.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((records[l[mid] as number] as UpdateRecord).clock <= clock) lo = mid;
    else hi = mid - 1;
  }
  const i = l[lo] as number;
  const r = records[i];
  return r !== undefined && clock >= r.clock && clock < r.clock + r.len ? i : -1;
}

/** True when `o` is a sequence run of the group `key` (parent object `parent`). */
function sameGroup(o: UpdateRecord | undefined, parent: ParentRef, key: string): boolean {
  return o !== undefined && o.t === 0 && (o.parent === parent || parentKey(o.parent) === key);
}

/** Validation state of the group being checked. */
interface GroupState {
  parent: ParentRef | null;
  key: string;
  kind: string;
  seen: Set<string>;
  /** Per counter and replica (`"key|replica"`): its last clock and the sum of its increments. */
  entries: Map<string, { clock: number; sum: number }>;
}

/**
 * Check record `i` of a snapshot (one small function per record, so it is optimised early on a
 * cold load): its container resolves to a live container of the right kind and its origins are
 * runs of the same container (neighbours in the group need no search).
 */
function checkRecord(records: UpdateRecord[], by: Map<number, number[]>, i: number, g: GroupState): boolean {
  const r = records[i] as UpdateRecord;
  if (r.t === 3) return true;
  if (r.parent !== g.parent) {
    g.parent = r.parent;
    const key = parentKey(r.parent);
    if (key !== g.key) {
      if (g.seen.has(key)) return false; // groups must be contiguous
      g.seen.add(key);
      g.key = key;
    }
    if (r.parent.name !== null) g.kind = r.parent.kind;
    else {
      // The holder must come before the group (it is built first).
      const hi = findIndex(records, by, r.parent.client, r.parent.clock);
      const h = records[hi];
      if (h === undefined || hi >= i) return false;
      let v: unknown;
      if (h.t === 1) v = h.value;
      else if (h.t === 0 && Array.isArray(h.content)) v = h.content[r.parent.clock - h.clock];
      if (!(v instanceof ContainerValue)) return false; // dead holders: the general path
      g.kind = v.kind;
    }
  }
  const kind = g.kind;
  if (r.t === 4) return checkMark(records, by, r, g);
  if (r.t === 1) return kind === 'map' && r.wall <= MAX_WALL && r.logical < MAX_LOGICAL;
  if (r.t === 2) return kind === 'counter' && countEntry(g, r.client, r.clock, r.delta);
  if (kind === 'text' ? typeof r.content === 'object' && r.content !== null : kind !== 'list') return false;
  if (kind === 'list' && typeof r.content === 'string') return false;
  if (r.olClient !== NONE) {
    const p = records[i - 1];
    const implicit =
      p !== undefined &&
      p.t === 0 &&
      p.parent === r.parent &&
      p.client === r.olClient &&
      p.clock + p.len - 1 === r.olClock;
    if (!implicit && !sameGroup(find(records, by, r.olClient, r.olClock), r.parent, g.key)) return false;
  }
  if (r.orClient !== NONE) {
    const n = records[i + 1];
    const implicit =
      n !== undefined &&
      n.t === 0 &&
      n.parent === r.parent &&
      n.client === r.orClient &&
      n.clock === r.orClock;
    if (!implicit && !sameGroup(find(records, by, r.orClient, r.orClock), r.parent, g.key)) return false;
  }
  return true;
}

/**
 * Check a mark of a snapshot as `applyUpdate` would: in a text, key and timestamp in range, each
 * anchor an edge or a unit of the same text.
 */
function checkMark(
  records: UpdateRecord[],
  by: Map<number, number[]>,
  r: MarkRecord,
  g: GroupState,
): boolean {
  if (g.kind !== 'text' || r.key.length > MAX_MARK_KEY || r.wall > MAX_WALL || r.logical >= MAX_LOGICAL)
    return false;
  if (r.sClient !== NONE && !sameGroup(find(records, by, r.sClient, r.sClock), r.parent, g.key)) return false;
  return r.eClient === NONE || sameGroup(find(records, by, r.eClient, r.eClock), r.parent, g.key);
}

/**
 * Add a counter increment to its replica's running sum in the group; false (the general path
 * decides) unless the replica's increments come in clock order and the sum stays a safe integer,
 * exactly what `applyUpdate` checks when it integrates them one by one.
 */
function countEntry(g: GroupState, client: number, clock: number, delta: number): boolean {
  const k = `${g.key}|${client}`;
  const e = g.entries.get(k);
  if (e === undefined) {
    g.entries.set(k, { clock, sum: delta });
    return Number.isSafeInteger(delta);
  }
  if (clock <= e.clock || !Number.isSafeInteger(e.sum + delta)) return false;
  e.clock = clock;
  e.sum += delta;
  return true;
}

/**
 * Load `update` into `doc` directly when `doc` is empty and `update` is a well-formed snapshot.
 * Returns false (nothing changed) when the general path must be used. `bytes`, the encoded
 * `update`, become the `'update'` event's bytes (copied) when the load is a transaction of its own.
 */
export function tryFastLoad(
  doc: Doc,
  update: DecodedUpdate,
  origin: unknown,
  bytes: Uint8Array | null = null,
): boolean {
  if (doc.store.clients.size > 0 || doc.pendingCount > 0 || !doc.pendingDeletes.isEmpty) return false;
  if (update.snapshot !== true) return false;
  if (doc.observerCount > 0 || update.deletes.size > 0 || update.records.length === 0) return false;
  const by = tile(update.records);
  if (by === null) return false;

  // Validate: parents resolve to containers of the right kind, origins stay in their container.
  const records = update.records;
  const state: GroupState = { parent: null, key: '', kind: '', seen: new Set(), entries: new Map() };
  for (let i = 0; i < records.length; i++) if (!checkRecord(records, by, i, state)) return false;
  if (!sequencesInOriginOrder(records, by)) return false;

  const opened = doc.begin(origin, false);
  try {
    // Alone in its transaction, the load changed exactly what the encoded update holds.
    if (opened) doc.transaction.verbatim = bytes;
    const builder = new SnapshotBuilder(doc);
    const built: Struct[] = new Array(records.length);
    for (let i = 0; i < records.length; i++) built[i] = builder.build(records[i] as UpdateRecord);
    for (const [id, order] of by) {
      const client = doc.clientIndex(id);
      doc.transaction.touchClient(client, 0);
      doc.store.runs(client).load(order.map((i) => built[i] as Struct));
    }
  } finally {
    if (opened) doc.commit();
  }
  return true;
}

/** Turns validated snapshot records into structs, one small call per record. */
class SnapshotBuilder {
  /** Nested containers by holder id (`"replica:clock"`). */
  private readonly created = new Map<string, Container>();
  private lastParent: ParentRef | null = null;
  private lastContainer: Container | null = null;
  private lastId = -1;
  private lastIndex = -1;

  constructor(private readonly doc: Doc) {}

  private ci(id: number): number {
    if (id !== this.lastId) {
      this.lastId = id;
      this.lastIndex = this.doc.clientIndex(id);
    }
    return this.lastIndex;
  }

  private container(p: ParentRef): Container {
    if (p !== this.lastParent) {
      this.lastParent = p;
      this.lastContainer =
        p.name !== null
          ? this.doc.root(p.kind, p.name)
          : (this.created.get(`${p.client}:${p.clock}`) as Container);
    }
    return this.lastContainer as Container;
  }

  private make(
    kind: ContainerValue,
    client: number,
    holderId: number,
    clock: number,
    parent: Container,
  ): Container {
    const made = this.doc.createContainer(kind.kind, null, client, clock, parent, kind.concurrent);
    this.created.set(`${holderId}:${clock}`, made);
    return made;
  }

  build(r: UpdateRecord): Struct {
    if (r.t === 3) return new GcRun(this.ci(r.client), r.clock, r.len);
    const c = this.container(r.parent);
    const client = this.ci(r.client);
    if (r.t === 0) {
      let content = r.content;
      if (content !== null && typeof content !== 'string') {
        content = content.map((v, k) =>
          v instanceof ContainerValue ? this.make(v, client, r.client, r.clock + k, c) : v,
        );
      }
      const item = new Item(
        client,
        r.clock,
        r.len,
        r.olClient === NONE ? NO_CLIENT : this.ci(r.olClient),
        r.olClock,
        r.orClient === NONE ? NO_CLIENT : this.ci(r.orClient),
        r.orClock,
        content,
      );
      const seq = (c as Text).seq;
      if (typeof content === 'string' && !seq.hasSurrogates) seq.noteText(content);
      seq.index.push(item);
      return item;
    }
    if (r.t === 1) {
      const value =
        r.value instanceof ContainerValue ? this.make(r.value, client, r.client, r.clock, c) : r.value;
      const entry = new MapEntry(client, r.clock, c, r.key, value, r.wall, r.logical);
      if (value === undefined) entry.deleted = true;
      this.doc.hlc.observe({ wall: r.wall, logical: r.logical, replica: r.client });
      (c as DocMap).integrateEntry(entry);
      return entry;
    }
    if (r.t === 4) {
      const m = MarkOp.fromRecord(r, client, c, (x) => this.ci(x));
      this.doc.hlc.observe({ wall: r.wall, logical: r.logical, replica: r.client });
      (c as Text).integrateMark(m);
      return m;
    }
    const op = new CounterOp(client, r.clock, c, (r as CounterRecord).delta);
    (c as Counter).integrateOp(op);
    return op;
  }
}
