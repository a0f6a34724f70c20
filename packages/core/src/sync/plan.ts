/**
 * Planning an update before touching the document: drop what is already known, order the rest so
 * every struct comes after its dependencies (its client's earlier clocks, its origins, the struct
 * holding its container), hold back what waits for missing dependencies, and validate what is
 * ready against the document. Nothing here mutates the document.
 */
import { Container, type ContainerKind } from '../doc/container.js';
import type { Counter } from '../doc/counter.js';
import type { Doc } from '../doc/doc.js';
import type { Struct } from '../doc/struct-store.js';
import { CounterOp, GcRun, MapEntry } from '../doc/structs.js';
import { DecodeError } from '../errors.js';
import { Item } from '../sequence/item.js';
import { Sequence } from '../sequence/sequence.js';
import {
  ContainerValue,
  NONE,
  type ParentRef,
  parentKey,
  sliceRecord,
  type UpdateRecord,
} from './records.js';

/** A record and whether it came from the pending set. */
interface Candidate {
  r: UpdateRecord;
  pending: boolean;
}

/** The outcome of planning. */
export interface Plan {
  /** Records to integrate, in this order. */
  ready: UpdateRecord[];
  /** Records waiting for missing dependencies. */
  held: UpdateRecord[];
  /** For each held record, the replica whose next clocks it waits for. */
  awaits: number[];
  /** Replicas whose state the ready records advance. */
  advanced: Set<number>;
}

/** Thrown inside planning when a record that came from the pending set is invalid. */
export class BadPendingRecord extends Error {
  constructor(readonly record: UpdateRecord) {
    super('invalid pending record');
  }
}

/** What a planned-or-existing parent resolves to. */
type ParentInfo = { kind: ContainerKind; obj: Container | null; key: string } | 'dead';

/**
 * Plan the integration of `records` plus `pending` (records held from earlier updates).
 * @throws {DecodeError} `invalid` when a new record contradicts the document or the update.
 * @throws {BadPendingRecord} when a record held from an earlier update turns out invalid.
 */
export function planUpdate(doc: Doc, records: UpdateRecord[], pending: UpdateRecord[]): Plan {
  const single = records[0];
  if (records.length === 1 && pending.length === 0 && single !== undefined) return planOne(doc, single);
  // 1. Candidates minus what is known, per client in clock order, overlaps removed.
  const byClient = new Map<number, Candidate[]>();
  const add = (r: UpdateRecord, pending: boolean): void => {
    const known = doc.knownState(r.client);
    if (r.clock + r.len <= known) return;
    if (r.clock < known) r = sliceRecord(r, known);
    let list = byClient.get(r.client);
    if (list === undefined) {
      list = [];
      byClient.set(r.client, list);
    }
    list.push({ r, pending });
  };
  for (const r of records) add(r, false);
  for (const r of pending) add(r, true);
  for (const [client, list] of byClient) {
    list.sort((a, b) => a.r.clock - b.r.clock);
    const out: Candidate[] = [];
    let end = -1;
    for (const c of list) {
      const rEnd = c.r.clock + c.r.len;
      if (rEnd <= end) continue;
      out.push(c.r.clock < end ? { r: sliceRecord(c.r, end), pending: c.pending } : c);
      end = rEnd;
    }
    byClient.set(client, out);
  }

  // 2. Order by dependencies with a virtual state vector.
  const vstate = new Map<number, number>();
  const state = (c: number): number => vstate.get(c) ?? doc.knownState(c);
  const heads = new Map<number, number>();
  const blocked = new Set<number>();
  const ready: Candidate[] = [];
  const missingDep = (r: UpdateRecord): number => firstMissingDependency(r, state);
  const run = (start: number): void => {
    const stack = [start];
    const onStack = new Set([start]);
    while (stack.length > 0) {
      const c = stack[stack.length - 1] as number;
      const q = byClient.get(c) as Candidate[];
      const h = heads.get(c) ?? 0;
      const cand = q[h];
      if (cand === undefined) {
        stack.pop();
        onStack.delete(c);
        continue;
      }
      const r = cand.r;
      // A gap in the client's own clocks blocks it; otherwise look for a missing dependency.
      const dep = r.clock !== state(c) ? -2 : missingDep(r);
      if (dep === NONE) {
        ready.push(cand);
        vstate.set(c, r.clock + r.len);
        heads.set(c, h + 1);
        if (stack.length > 1) {
          stack.pop();
          onStack.delete(c);
        }
        continue;
      }
      const depQ = dep >= 0 ? byClient.get(dep) : undefined;
      const canPush =
        dep >= 0 &&
        depQ !== undefined &&
        !blocked.has(dep) &&
        !onStack.has(dep) &&
        (heads.get(dep) ?? 0) < depQ.length;
      if (!canPush) {
        for (const s of stack) blocked.add(s);
        return;
      }
      stack.push(dep);
      onStack.add(dep);
    }
  };
  for (const c of byClient.keys()) {
    if (!blocked.has(c)) run(c);
  }
  const held: UpdateRecord[] = [];
  const awaits: number[] = [];
  for (const [c, q] of byClient) {
    for (let i = heads.get(c) ?? 0; i < q.length; i++) {
      const r = (q[i] as Candidate).r;
      held.push(r);
      const dep = r.clock !== state(c) ? c : missingDep(r);
      awaits.push(dep === NONE ? c : dep);
    }
  }

  validateReady(doc, ready);
  return { ready: ready.map((c) => c.r), held, awaits, advanced: new Set(vstate.keys()) };
}

/**
 * The common case, one record and nothing held from earlier updates (a client's keystroke): the
 * same outcome as the general planner without its per-client maps.
 */
function planOne(doc: Doc, record: UpdateRecord): Plan {
  const known = doc.knownState(record.client);
  if (record.clock + record.len <= known) return { ready: [], held: [], awaits: [], advanced: new Set() };
  const r = record.clock < known ? sliceRecord(record, known) : record;
  const dep = r.clock !== known ? r.client : firstMissingDependency(r, (c) => doc.knownState(c));
  if (dep !== NONE) return { ready: [], held: [r], awaits: [dep], advanced: new Set() };
  validateReady(doc, [{ r, pending: false }]);
  return { ready: [r], held: [], awaits: [], advanced: new Set([r.client]) };
}

/** The client of the first dependency of `r` (origins, then container holder) that `state` lacks, or `NONE`. */
function firstMissingDependency(r: UpdateRecord, state: (client: number) => number): number {
  if (r.t === 3) return NONE;
  if (r.t === 0) {
    if (r.olClient !== NONE && r.olClock >= state(r.olClient)) return r.olClient;
    if (r.orClient !== NONE && r.orClock >= state(r.orClient)) return r.orClient;
  }
  const p = r.parent;
  if (p.name === null && p.clock >= state(p.client)) return p.client;
  return NONE;
}

/**
 * Validate the ready records, in order, against the document and each other.
 * @throws {DecodeError} `invalid` for a new record; {@link BadPendingRecord} for a held one.
 */
function validateReady(doc: Doc, ready: readonly Candidate[]): void {
  const planned = new Map<number, UpdateRecord[]>();
  for (const { r } of ready) {
    let l = planned.get(r.client);
    if (l === undefined) {
      l = [];
      planned.set(r.client, l);
    }
    l.push(r);
  }
  const lookup = (client: number, clock: number): Struct | UpdateRecord | undefined => {
    const ci = doc.knownClientIndex(client);
    if (ci !== undefined && clock < doc.store.getState(ci)) return doc.store.find(ci, clock);
    const l = planned.get(client);
    if (l === undefined) return undefined;
    let lo = 0;
    let hi = l.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((l[mid] as UpdateRecord).clock <= clock) lo = mid;
      else hi = mid - 1;
    }
    const r = l[lo];
    return r !== undefined && r.clock <= clock && clock < r.clock + r.len ? r : undefined;
  };
  const invalid = (cand: Candidate, why: string): never => {
    if (cand.pending) throw new BadPendingRecord(cand.r);
    throw new DecodeError('invalid', why);
  };
  const parentCache = new Map<string, ParentInfo>();
  const entries = new Map<string, number>();
  const resolveParent = (cand: Candidate, p: ParentRef): ParentInfo => {
    const key = parentKey(p);
    const cached = parentCache.get(key);
    if (cached !== undefined) return cached;
    let info: ParentInfo;
    if (p.name !== null) info = { kind: p.kind, obj: doc.findRoot(p.kind, p.name) ?? null, key };
    else {
      const h = lookup(p.client, p.clock);
      if (h === undefined) return invalid(cand, 'container holder not found');
      if (h instanceof GcRun) info = 'dead';
      else if (h instanceof MapEntry) {
        if (h.deleted) info = 'dead';
        else if (h.value instanceof Container) info = { kind: h.value.kind, obj: h.value, key };
        else return invalid(cand, 'parent is not a container');
      } else if (h instanceof Item) {
        if (h.content === null) info = 'dead';
        else {
          const v = (h.content as unknown[])[p.clock - h.clock];
          if (v instanceof Container) info = { kind: v.kind, obj: v, key };
          else return invalid(cand, 'parent is not a container');
        }
      } else if (h instanceof CounterOp) return invalid(cand, 'parent is a counter operation');
      else {
        const r = h as UpdateRecord;
        if (r.t === 3) info = 'dead';
        else if (r.t === 1) {
          if (!(r.value instanceof ContainerValue)) return invalid(cand, 'parent is not a container');
          info = { kind: r.value.kind, obj: null, key };
        } else if (r.t === 0) {
          if (r.content === null) info = 'dead';
          else {
            const v = typeof r.content === 'string' ? null : r.content[p.clock - r.clock];
            if (!(v instanceof ContainerValue)) return invalid(cand, 'parent is not a container');
            info = { kind: v.kind, obj: null, key };
          }
        } else return invalid(cand, 'parent is a counter operation');
      }
    }
    parentCache.set(key, info);
    return info;
  };
  const checkOrigin = (cand: Candidate, info: ParentInfo & object, client: number, clock: number): void => {
    const o = lookup(client, clock);
    if (o === undefined) invalid(cand, 'origin not found');
    if (o instanceof Item) {
      const owner = Sequence.of(o).listener as unknown;
      if (info.obj === null || owner !== info.obj) invalid(cand, 'origin in another container');
      return;
    }
    if (o instanceof MapEntry || o instanceof CounterOp || o instanceof GcRun)
      invalid(cand, 'origin is not a sequence unit');
    const r = o as UpdateRecord;
    if (r.t !== 0 || parentKey(r.parent) !== info.key) invalid(cand, 'origin in another container');
  };
  for (const cand of ready) {
    const r = cand.r;
    if (r.t === 3) continue;
    const info = resolveParent(cand, r.parent);
    if (info === 'dead') continue;
    if (r.t === 0) {
      if (info.kind === 'text') {
        if (r.content !== null && typeof r.content !== 'string') invalid(cand, 'list content in a text');
      } else if (info.kind === 'list') {
        if (typeof r.content === 'string') invalid(cand, 'text content in a list');
      } else invalid(cand, `sequence run in a ${info.kind}`);
      if (r.olClient !== NONE) checkOrigin(cand, info, r.olClient, r.olClock);
      if (r.orClient !== NONE) checkOrigin(cand, info, r.orClient, r.orClock);
    } else if (r.t === 1) {
      if (info.kind !== 'map') invalid(cand, `map entry in a ${info.kind}`);
      if (r.wall > 2 ** 47 || r.logical >= 2 ** 31) invalid(cand, 'timestamp out of range');
    } else {
      if (info.kind !== 'counter') invalid(cand, `counter operation in a ${info.kind}`);
      // One replica's increments of one counter arrive in its clock order everywhere, so
      // refusing the one that takes their sum out of the safe range is the same on every replica.
      const k = `${info.key}|${r.client}`;
      const ci = doc.knownClientIndex(r.client);
      const sum =
        (entries.get(k) ?? (info.obj !== null && ci !== undefined ? (info.obj as Counter).entryOf(ci) : 0)) +
        r.delta;
      if (!Number.isSafeInteger(r.delta) || !Number.isSafeInteger(sum))
        invalid(cand, "a replica's counter increments beyond ±(2^53 - 1)");
      entries.set(k, sum);
    }
  }
}
