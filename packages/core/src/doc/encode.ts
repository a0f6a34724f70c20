/**
 * From a document's structs to update records (real replica ids, parents as references). The
 * update of one transaction (`encode-transaction.ts`), the full snapshot and the diff against a
 * state vector (`sync/snapshot.ts`) build on these.
 */
import {
  ContainerValue,
  type MarkRecord,
  NONE,
  type ParentRef,
  type UpdateRecord,
} from '../format/records.js';
import type { SeqColumns } from '../format/seq-columns.js';
import { Item, NO_CLIENT } from '../sequence/item.js';
import { Sequence } from '../sequence/sequence.js';
import type { Struct } from '../store/struct-store.js';
import type { DocMap } from './collections.js';
import { Container, type DocCore } from './container.js';
import { MarkOp } from './marks.js';
import { CounterOp, MapEntry } from './structs.js';

/** The parent reference of a container (real replica ids). */
export function refOf(doc: DocCore, c: Container): ParentRef {
  if (c.rootName !== null) return { name: c.rootName, kind: c.kind, client: NONE, clock: 0 };
  return { name: null, kind: c.kind, client: doc.clientIds[c.holderClient] as number, clock: c.holderClock };
}

/** A stored value as it travels: a container becomes a {@link ContainerValue}. */
function exportValue(v: unknown): unknown {
  return v instanceof Container ? new ContainerValue(v.kind, v.concurrent) : v;
}

/**
 * The content of item `it` as it travels, from unit `off` on: its text, its list values
 * exported (containers as {@link ContainerValue}), or null for a deleted run. Only the units
 * from `off` are mapped: a run that local appends keep extending would otherwise be copied
 * whole for every append.
 */
export function exportContent(it: Item, off: number): string | unknown[] | null {
  const c = it.content;
  if (typeof c === 'string') return off > 0 ? c.slice(off) : c;
  if (typeof c === 'number') return null;
  const out: unknown[] = [];
  for (let k = off; k < c.length; k++) out.push(exportValue(c[k]));
  return out;
}

/**
 * Append the run of item `it` from clock `at` on to `cols`, whose client columns hold the
 * document's client indexes (`SeqColumns.ids`): the run {@link seqRecord} describes, as columns.
 */
export function pushRun(cols: SeqColumns, it: Item, at: number): void {
  const off = at - it.clock;
  cols.push(
    it.client,
    at,
    it.len - off,
    off > 0 ? it.client : it.olClient,
    off > 0 ? at - 1 : it.olClock,
    it.orClient,
    it.orClock,
    exportContent(it, off),
  );
}

/** The record of item `it` from clock `from` on, under parent `ref`. */
export function seqRecord(doc: DocCore, it: Item, ref: ParentRef, from: number): UpdateRecord {
  const ids = doc.clientIds;
  const off = from - it.clock;
  const content = exportContent(it, off);
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

/** The parent ref of container `c`, built once per encoding (kept in `refs`). */
export function cachedRef(doc: DocCore, refs: Map<Container, ParentRef>, c: Container): ParentRef {
  let r = refs.get(c);
  if (r === undefined) {
    r = refOf(doc, c);
    refs.set(c, r);
  }
  return r;
}

/** The record of struct `s` from clock `from` on. */
export function structRecord(
  doc: DocCore,
  s: Struct,
  from: number,
  refs: Map<Container, ParentRef>,
): UpdateRecord {
  if (s instanceof Item) {
    const container = Sequence.of(s).listener as unknown as Container;
    return seqRecord(doc, s, cachedRef(doc, refs, container), from);
  }
  const client = doc.clientIds[s.client] as number;
  if (s instanceof MapEntry) {
    if (s.deleted && !(s.parent as DocMap).isTombstone(s)) return { t: 3, client, clock: s.clock, len: 1 };
    return {
      t: 1,
      client,
      clock: s.clock,
      len: 1,
      parent: cachedRef(doc, refs, s.parent),
      key: s.key,
      wall: s.wall,
      logical: s.logical,
      value: exportValue(s.value),
    };
  }
  if (s instanceof CounterOp)
    return { t: 2, client, clock: s.clock, len: 1, parent: cachedRef(doc, refs, s.parent), delta: s.delta };
  if (s instanceof MarkOp) return markRecord(doc, s, cachedRef(doc, refs, s.parent));
  return { t: 3, client, clock: from, len: s.len - (from - s.clock) };
}

/** The record of mark `m` of the text `ref` names. */
export function markRecord(doc: DocCore, m: MarkOp, ref: ParentRef): MarkRecord {
  const ids = doc.clientIds;
  return {
    t: 4,
    client: ids[m.client] as number,
    clock: m.clock,
    len: 1,
    parent: ref,
    sClient: m.startClient === NO_CLIENT ? NONE : (ids[m.startClient] as number),
    sClock: m.startClock,
    sAfter: m.startAfter,
    eClient: m.endClient === NO_CLIENT ? NONE : (ids[m.endClient] as number),
    eClock: m.endClock,
    eAfter: m.endAfter,
    key: m.key,
    wall: m.wall,
    logical: m.logical,
    value: m.value,
  };
}

/**
 * Records of every struct with clock >= `since(client)`, per client in clock order, for the
 * client indexes `clients` (default: every client of the store).
 */
export function recordsSince(
  doc: DocCore,
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
