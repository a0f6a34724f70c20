/**
 * Applying updates to a document: decode fully, plan and validate (no mutation), then integrate
 * in one transaction. Structs whose dependencies are missing are held in the document and
 * integrated as soon as a later update brings what they wait for; deletions of ids not received
 * yet are held the same way.
 */
import type { Container } from '../doc/container.js';
import type { Counter } from '../doc/counter.js';
import { DeleteSet } from '../doc/delete-set.js';
import type { Doc } from '../doc/doc.js';
import type { DocMap } from '../doc/map.js';
import { CounterOp, GcRun, MapEntry } from '../doc/structs.js';
import type { Text } from '../doc/text.js';
import { DecodeError } from '../errors.js';
import { Item, NO_CLIENT } from '../sequence/item.js';
import { Sequence } from '../sequence/sequence.js';
import { decodeUpdate } from './codec.js';
import { tryFastLoad } from './load.js';
import { tryLoadTextSnapshot } from './load-text.js';
import { BadPendingRecord, type Plan, planUpdate } from './plan.js';
import { ContainerValue, type DecodedUpdate, NONE, type ParentRef, type UpdateRecord } from './records.js';

/**
 * Apply a binary update (from `doc.on('update')`, `encodeStateAsUpdate`, `mergeUpdates` or
 * `diffUpdate`) to `doc`. Idempotent and commutative: applying updates in any order, any number
 * of times, gives the same document. Structs whose dependencies have not arrived are held until
 * they do. Fires one `'update'` event (with what actually changed) and observer events, tagged
 * with `origin`.
 * @throws {DecodeError} when the bytes are malformed or contradict the document, or `too-large`
 * when more runs would wait for missing dependencies than `DocOptions.maxPending` allows; the
 * document (content, state vector, held updates) is then exactly as before.
 */
export function applyUpdate(doc: Doc, update: Uint8Array, origin: unknown = null): void {
  if (tryLoadTextSnapshot(doc, update, origin)) return;
  const decoded = decodeUpdate(update);
  if (tryFastLoad(doc, decoded, origin)) return;
  applyDecoded(doc, decoded, origin);
}

/** Apply an already decoded update (see {@link applyUpdate}). */
export function applyDecoded(doc: Doc, update: DecodedUpdate, origin: unknown): void {
  // Re-plan only the held records waiting for replicas this update (transitively) advances.
  const remaining = new Map(doc.pendingByClient);
  let selected: UpdateRecord[] = [];
  const take = (client: number): void => {
    const l = remaining.get(client);
    if (l === undefined) return;
    remaining.delete(client);
    for (const r of l) selected.push(r);
  };
  for (const r of update.records) {
    // Only records that reach the replica's next clock can advance it.
    if (!remaining.has(r.client)) continue;
    const known = doc.knownState(r.client);
    if (r.clock <= known && known < r.clock + r.len) take(r.client);
  }
  let plan: Plan;
  for (;;) {
    try {
      plan = planUpdate(doc, update.records, selected);
    } catch (e) {
      // A record held from an earlier update proved invalid: drop it and plan again.
      if (!(e instanceof BadPendingRecord)) throw e;
      selected = selected.filter((r) => r !== e.record);
      continue;
    }
    let more = false;
    for (const c of plan.advanced) {
      if (remaining.has(c)) {
        take(c);
        more = true;
      }
    }
    if (!more) break;
  }
  let held = plan.held.length;
  for (const l of remaining.values()) held += l.length;
  if (held > doc.maxPending) {
    throw new DecodeError('too-large', `${held} runs would wait for missing dependencies`);
  }
  const heldDeletes = countHeldDeletes(doc, update, plan);
  if (heldDeletes > doc.maxPending) {
    throw new DecodeError('too-large', `${heldDeletes} deleted ranges would wait for structs not received`);
  }
  const opened = doc.begin(origin, false);
  try {
    const t = doc.transaction;
    for (const r of plan.ready) {
      const ci = doc.clientIndex(r.client);
      t.touchClient(ci, doc.store.getState(ci));
      integrateRecord(doc, ci, r);
    }
    plan.held.forEach((r, i) => {
      const c = plan.awaits[i] as number;
      let l = remaining.get(c);
      if (l === undefined) {
        l = [];
        remaining.set(c, l);
      }
      l.push(r);
    });
    doc.pendingByClient = remaining;
    doc.pendingCount = held;
    applyDeletes(doc, update, plan.advanced);
  } finally {
    if (opened) doc.commit();
  }
}

/**
 * How many deleted ranges {@link applyDeletes} would leave held once `plan` is integrated: the
 * held ranges of replicas it does not advance, plus every range (held or in `update`) that
 * reaches past its replica's state after integration. An upper bound (adjacent ranges may merge),
 * computed before anything changes so that a refusal leaves the document as it was.
 */
function countHeldDeletes(doc: Doc, update: DecodedUpdate, plan: Plan): number {
  const held = doc.pendingDeletes;
  if (update.deletes.size === 0 && held.isEmpty) return 0;
  const known = new Map<number, number>();
  const knownOf = (client: number): number => {
    let k = known.get(client);
    if (k === undefined) {
      k = doc.knownState(client);
      known.set(client, k);
    }
    return k;
  };
  for (const r of plan.ready) known.set(r.client, Math.max(knownOf(r.client), r.clock + r.len));
  let count = 0;
  const countBeyond = (client: number, ranges: readonly number[]): void => {
    const k = knownOf(client);
    for (let i = 0; i < ranges.length; i += 2)
      if ((ranges[i] as number) + (ranges[i + 1] as number) > k) count++;
  };
  for (const [client, ranges] of held.clients) {
    if (plan.advanced.has(client)) countBeyond(client, ranges);
    else count += ranges.length / 2;
  }
  for (const [client, ranges] of update.deletes) countBeyond(client, ranges);
  return count;
}

/**
 * Apply the update's deletions and the held deletions of replicas whose state just advanced;
 * deletions of ids not received yet are held.
 */
function applyDeletes(doc: Doc, update: DecodedUpdate, advanced: Set<number>): void {
  const deletes = new DeleteSet();
  for (const [client, ranges] of update.deletes) {
    for (let i = 0; i < ranges.length; i += 2)
      deletes.add(client, ranges[i] as number, ranges[i + 1] as number);
  }
  const held = doc.pendingDeletes;
  for (const c of advanced) {
    const ranges = held.clients.get(c);
    if (ranges === undefined) continue;
    held.clients.delete(c);
    for (let i = 0; i < ranges.length; i += 2) deletes.add(c, ranges[i] as number, ranges[i + 1] as number);
  }
  deletes.forEach((client, clock, len) => {
    const ci = doc.knownClientIndex(client);
    const known = ci === undefined ? 0 : doc.store.getState(ci);
    const end = clock + len;
    if (ci !== undefined && clock < known) deleteRange(doc, ci, clock, Math.min(end, known));
    if (end > known) held.add(client, Math.max(clock, known), end - Math.max(clock, known));
  });
}

/** The live container for `p`, or null when it is dead (its holder was deleted or collected). */
function resolveContainer(doc: Doc, p: ParentRef): Container | null {
  if (p.name !== null) return doc.root(p.kind, p.name);
  const ci = doc.clientIndex(p.client);
  const h = doc.store.find(ci, p.clock);
  if (h instanceof MapEntry) return h.deleted ? null : (h.value as Container);
  if (h instanceof Item)
    return h.content === null ? null : ((h.content as unknown[])[p.clock - h.clock] as Container);
  return null;
}

function importValue(doc: Doc, v: unknown, parent: Container, client: number, clock: number): unknown {
  return v instanceof ContainerValue ? doc.createContainer(v.kind, null, client, clock, parent) : v;
}

function integrateRecord(doc: Doc, ci: number, r: UpdateRecord): void {
  if (r.t === 3) {
    doc.store.add(new GcRun(ci, r.clock, r.len));
    return;
  }
  const c = resolveContainer(doc, r.parent);
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
      content === null,
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
    doc.store.add(entry);
    doc.hlc.observe({ wall: r.wall, logical: r.logical, replica: r.client });
    (c as DocMap).integrateEntry(entry);
  } else {
    const op = new CounterOp(ci, r.clock, c, r.delta);
    doc.store.add(op);
    (c as Counter).integrateOp(op);
  }
}

/** Delete every struct in ids `from .. to-1` of client index `ci` (all known). */
function deleteRange(doc: Doc, ci: number, from: number, to: number): void {
  let clock = from;
  while (clock < to) {
    const s = doc.store.find(ci, clock);
    if (s === undefined) return;
    if (s instanceof Item) {
      const seq = Sequence.of(s);
      let it = s;
      if (!it.deleted) {
        if (clock > it.clock) it = seq.splitItem(it, clock - it.clock);
        if (it.clock + it.len > to) seq.splitItem(it, to - it.clock);
        seq.deleteRemote(it);
      }
      clock = it.clock + it.len;
      continue;
    }
    if (s instanceof MapEntry) {
      (s.parent as DocMap).deleteEntry(s);
    }
    clock = s.clock + s.len;
  }
}
