/**
 * Applying updates to a document: decode fully, plan and validate (no mutation), then integrate
 * in one transaction. Structs whose dependencies are missing are held in the document and
 * integrated as soon as a later update brings what they wait for; deletions of ids not received
 * yet are held the same way.
 */

import type { DocMap } from '../doc/collections.js';
import type { Container } from '../doc/container.js';
import type { Counter } from '../doc/counter.js';
import type { Doc } from '../doc/doc.js';
import { MarkOp } from '../doc/marks.js';
import { CounterOp, GcRun, MapEntry } from '../doc/structs.js';
import type { Text } from '../doc/text.js';
import { DecodeError } from '../errors.js';
import {
  ContainerValue,
  type DecodedUpdate,
  NONE,
  type ParentRef,
  type UpdateRecord,
} from '../format/records.js';
import { decodeUpdate } from '../format/update-codec.js';
import { Item, NO_CLIENT } from '../sequence/item.js';
import { tryApplyKeystroke } from './apply-keystroke.js';
import { deleteRange } from './delete-range.js';
import { tryFastLoad } from './load.js';
import { tryLoadTextSnapshot } from './load-text.js';
import { type Plan, planUpdate } from './plan.js';

/**
 * Apply a binary update (from `doc.on('update')`, `encodeStateAsUpdate`, `mergeUpdates` or
 * `diffUpdate`) to `doc`. Idempotent and commutative: applying updates in any order, any number
 * of times, gives the same document. Structs whose dependencies have not arrived are held until
 * they do. Fires one `'update'` event (with what actually changed) and observer events, tagged
 * with `origin`.
 * Held structs and deletions are indexed by the clock they wait for, so applying an update costs
 * what it brings and delivers, however much is held.
 * @throws {DecodeError} when the bytes are malformed or contradict the document, or `too-large`
 * when more runs (or deleted ranges) would wait for missing dependencies than
 * `DocOptions.maxPending` allows, or their estimated size would pass `DocOptions.maxPendingBytes`;
 * the document (content, state vector, held structs and deletions) is then exactly as before.
 */
export function applyUpdate(doc: Doc, update: Uint8Array, origin: unknown = null): void {
  if (tryApplyKeystroke(doc, update, origin)) return;
  applyGeneral(doc, update, origin);
}

/**
 * {@link applyUpdate} without the keystroke fast path (`apply-keystroke.ts`): what it falls back
 * to, and the reference its tests compare it with.
 * @internal
 */
export function applyGeneral(doc: Doc, update: Uint8Array, origin: unknown): void {
  if (tryLoadTextSnapshot(doc, update, origin)) return;
  const decoded = decodeUpdate(update);
  if (tryFastLoad(doc, decoded, origin, update)) return;
  applyDecoded(doc, decoded, origin, update);
}

/**
 * `update` with its deletions made explicit for ids this document already holds. A full-state
 * update (a snapshot) carries no delete set: a deleted run is a record without content, a dead
 * entry a collected record or a map tombstone. The planner skips records the document already holds, so without
 * this a replica that held an id alive would never learn it was deleted, and would keep text and
 * map keys the snapshot's author had removed.
 */
function withKnownDeletions(doc: Doc, update: DecodedUpdate): DecodedUpdate {
  let deletes: Map<number, number[]> | null = null;
  for (const r of update.records) {
    const gone = r.t === 3 || (r.t === 0 && r.content === null) || (r.t === 1 && r.value === undefined);
    if (!gone) continue;
    const end = Math.min(r.clock + r.len, doc.knownState(r.client));
    if (end <= r.clock) continue;
    deletes ??= new Map([...update.deletes].map(([c, ranges]) => [c, ranges.slice()]));
    const ranges = deletes.get(r.client);
    if (ranges === undefined) deletes.set(r.client, [r.clock, end - r.clock]);
    else ranges.push(r.clock, end - r.clock);
  }
  return deletes === null ? update : { ...update, deletes };
}

/**
 * Apply an already decoded update (see {@link applyUpdate}). `bytes`, the encoded `update`, become
 * the `'update'` event's bytes (copied) when the update is a transaction of its own that
 * integrates every record whole and deletes every id it names (none deleted already), releasing
 * and holding nothing: then they say what the transaction changed, and encoding it again would
 * cost as much as decoding.
 */
export function applyDecoded(
  doc: Doc,
  update: DecodedUpdate,
  origin: unknown,
  bytes: Uint8Array | null = null,
): void {
  const structs = doc.pendingStructs;
  const deletes = doc.pendingDeletes;
  structs.begin();
  deletes.begin();
  let plan: Plan;
  let deletePlan: DeletePlan;
  try {
    plan = planUpdate(doc, update.records, structs);
    checkHeldLimits(doc, structs.size + plan.held.length, structs.bytes + plan.heldBytes);
    deletePlan = planDeletes(doc, withKnownDeletions(doc, update), plan.advanced);
    const heldDeletes = deletes.size + deletePlan.held;
    if (heldDeletes > doc.maxPending) {
      throw new DecodeError('too-large', `${heldDeletes} deleted ranges would wait for structs not received`);
    }
  } catch (e) {
    structs.rollback();
    deletes.rollback();
    throw e;
  }
  structs.commit();
  deletes.commit();
  doc.countReleases(plan.released + deletePlan.released);
  const opened = doc.begin(origin, false);
  try {
    const t = doc.transaction;
    const roots = new RootCache(doc);
    for (const r of plan.ready) {
      const ci = doc.clientIndex(r.client);
      t.touchClient(ci, doc.store.getState(ci));
      integrateRecord(doc, ci, r, roots);
    }
    for (const h of plan.held) structs.add(h.client, h.entry);
    applyDeletes(doc, deletePlan.clients, deletePlan.spans);
    // Set once all of it is in (an exception on the way leaves the event to the encoder), and only
    // if every id it names was deleted here now: the event says what this update changed.
    if (
      opened &&
      bytes !== null &&
      appliesWhole(update, plan, deletePlan) &&
      t.deletedUnits === deletedUnitsOf(update)
    )
      t.verbatim = bytes;
  } finally {
    if (opened) doc.commit();
  }
}

/** The ids `update`'s delete set names, counted with repeats. */
function deletedUnitsOf(update: DecodedUpdate): number {
  let n = 0;
  for (const ranges of update.deletes.values())
    for (let i = 1; i < ranges.length; i += 2) n += ranges[i] as number;
  return n;
}

/**
 * Whether integrating `plan` and `deletePlan` may change exactly what `update` holds: not a snapshot
 * (whose deletions are derived from the document), every record ready as decoded (none known
 * already, none cut at the known clock: those are copies), nothing held or released. Whether
 * every id it deletes was alive is known only once deleted (`Transaction.deletedUnits`).
 */
function appliesWhole(update: DecodedUpdate, plan: Plan, deletePlan: DeletePlan): boolean {
  if (update.snapshot === true || plan.released !== 0 || plan.held.length !== 0) return false;
  if (deletePlan.held !== 0 || deletePlan.released !== 0) return false;
  const records = update.records;
  const ready = plan.ready;
  if (ready.length !== records.length) return false;
  if (ready.length === 1) return ready[0] === records[0];
  const own = new Set(records);
  for (const r of ready) if (!own.has(r)) return false;
  return true;
}

/**
 * @throws {DecodeError} `too-large` when `count` held structs or `bytes` estimated bytes exceed
 * the document's limits.
 */
function checkHeldLimits(doc: Doc, count: number, bytes: number): void {
  if (count > doc.maxPending) {
    throw new DecodeError('too-large', `${count} runs would wait for missing dependencies`);
  }
  if (bytes > doc.maxPendingBytes) {
    throw new DecodeError('too-large', `${bytes} bytes of runs would wait for missing dependencies`);
  }
}

/** The deleted ranges an update applies, and how many of them stay held. */
interface DeletePlan {
  /**
   * Ranges to apply (as far as their ids are known) and hold (the rest): range `i`'s replica id in
   * `clients[i]`, its start and length in `spans[2i]`, `spans[2i + 1]`. Apart, because replica ids
   * (mostly above 2^31) would make an array holding both store doubles, and clocks read from it
   * by unoptimized code would be heap numbers that turn the fields they reach into double fields
   * (see `small-integers.test.ts`).
   */
  clients: number[];
  spans: number[];
  /** How many ranges reach past their replica's clock once the plan is integrated. */
  held: number;
  /** How many held ranges the update releases (some of their ids arrive; the rest stays held). */
  released: number;
}

/**
 * The update's deleted ranges plus the held ranges of replicas the plan advances (taken from the
 * held set, journaled: each is released, at least its first id is known now), and how many will
 * stay held, computed before anything changes so that a refusal leaves the document as it was. Costs what the update brings and unblocks.
 */
function planDeletes(doc: Doc, update: DecodedUpdate, advanced: Map<number, number>): DeletePlan {
  const clients: number[] = [];
  const spans: number[] = [];
  let held = 0;
  let released = 0;
  for (const [client, list] of update.deletes) {
    const known = advanced.get(client) ?? doc.knownState(client);
    for (let i = 0; i < list.length; i += 2) {
      const start = list[i] as number;
      const len = list[i + 1] as number;
      clients.push(client);
      spans.push(start, len);
      // Held anew unless the very range is held already (an update applied again).
      const from = Math.max(start, known);
      if (start + len > known && !doc.pendingDeletes.holds(client, from, start + len - from)) held++;
    }
  }
  for (const [client, known] of advanced) {
    doc.pendingDeletes.takeBelow(client, known, (e) => {
      clients.push(client);
      spans.push(e.key, e.len);
      released++;
      if (e.key + e.len > known) held++;
    });
  }
  return { clients, spans, held, released };
}

/**
 * Apply deleted ranges (a {@link DeletePlan}'s): delete the ids this document holds and hold the
 * rest until their structs arrive.
 */
function applyDeletes(doc: Doc, clients: number[], spans: number[]): void {
  for (let i = 0; i < clients.length; i++) {
    const client = clients[i] as number;
    const clock = spans[2 * i] as number;
    const end = clock + (spans[2 * i + 1] as number);
    const ci = doc.knownClientIndex(client);
    const known = ci === undefined ? 0 : doc.store.getState(ci);
    if (ci !== undefined && clock < known) deleteRange(doc, ci, clock, Math.min(end, known));
    if (end > known) {
      const from = Math.max(clock, known);
      if (!doc.pendingDeletes.holds(client, from, end - from))
        doc.pendingDeletes.add(client, { key: from, len: end - from, bytes: 0 });
    }
  }
}

/**
 * The root container of the last root reference resolved: the records of one group share their
 * parent reference, and a root never dies, so a group's records look their root up once.
 */
class RootCache {
  private ref: ParentRef | null = null;
  private root: Container | null = null;

  constructor(private readonly doc: Doc) {}

  /** The root named by `p` (a reference with a name). */
  get(p: ParentRef & { name: string }): Container {
    if (p !== this.ref || this.root === null) {
      this.root = this.doc.root(p.kind, p.name);
      this.ref = p;
    }
    return this.root;
  }
}

/** The live container for `p`, or null when it is dead (its holder was deleted or collected). */
function resolveContainer(doc: Doc, p: ParentRef, roots: RootCache): Container | null {
  if (p.name !== null) return roots.get(p as ParentRef & { name: string });
  const ci = doc.clientIndex(p.client);
  const h = doc.store.find(ci, p.clock);
  if (h instanceof MapEntry) return h.deleted ? null : (h.value as Container);
  if (h instanceof Item) return h.deleted ? null : ((h.content as unknown[])[p.clock - h.clock] as Container);
  return null;
}

function importValue(doc: Doc, v: unknown, parent: Container, client: number, clock: number): unknown {
  return v instanceof ContainerValue
    ? doc.createContainer(v.kind, null, client, clock, parent, v.concurrent)
    : v;
}

function integrateRecord(doc: Doc, ci: number, r: UpdateRecord, roots: RootCache): void {
  if (r.t === 3) {
    doc.store.add(new GcRun(ci, r.clock, r.len));
    return;
  }
  const c = resolveContainer(doc, r.parent, roots);
  if (c === null) {
    doc.store.add(new GcRun(ci, r.clock, r.len));
    return;
  }
  if (r.t === 0) {
    let content = r.content;
    if (content !== null && typeof content !== 'string') {
      content = content.map((v, k) => importValue(doc, v, c, ci, r.clock + k));
    }
    const item = new Item(
      ci,
      r.clock,
      r.len,
      r.olClient === NONE ? NO_CLIENT : doc.clientIndex(r.olClient),
      r.olClock,
      r.orClient === NONE ? NO_CLIENT : doc.clientIndex(r.orClient),
      r.orClock,
      content,
    );
    (c as Text).seq.integrate(item);
  } else if (r.t === 1) {
    const entry = new MapEntry(
      ci,
      r.clock,
      c,
      r.key,
      importValue(doc, r.value, c, ci, r.clock),
      r.wall,
      r.logical,
    );
    if (r.value === undefined) entry.deleted = true;
    doc.store.add(entry);
    doc.hlc.observe({ wall: r.wall, logical: r.logical, replica: r.client });
    (c as DocMap).integrateEntry(entry);
  } else if (r.t === 4) {
    const op = MarkOp.fromRecord(r, ci, c, (x) => doc.clientIndex(x));
    doc.store.add(op);
    doc.hlc.observe({ wall: r.wall, logical: r.logical, replica: r.client });
    (c as Text).integrateMark(op);
  } else {
    const op = new CounterOp(ci, r.clock, c, r.delta);
    doc.store.add(op);
    (c as Counter).integrateOp(op);
  }
}
