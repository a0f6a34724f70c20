/**
 * Fast loading of a full snapshot into an empty document: the snapshot lists each container's
 * runs in document order, so the sequence index is built by appending, with no integration and
 * no conflict scan. The structure is validated, the order is trusted (a snapshot comes from a
 * document that integrated its runs; a forged order cannot crash anything, but would only be
 * visible as a different order on this replica, like any forged content). Everything is validated before the document is touched; anything unusual
 * (a non-empty document, observers, pending updates, a snapshot that does not tile each client's
 * clocks exactly) returns false and the caller takes the general path.
 */
import type { Container } from '../doc/container.js';
import type { Counter } from '../doc/counter.js';
import type { Doc } from '../doc/doc.js';
import type { DocMap } from '../doc/map.js';
import type { Struct } from '../doc/struct-store.js';
import { CounterOp, GcRun, MapEntry } from '../doc/structs.js';
import type { Text } from '../doc/text.js';
import { Item, NO_CLIENT } from '../sequence/item.js';
import {
  ContainerValue,
  type DecodedUpdate,
  NONE,
  type ParentRef,
  parentKey,
  type UpdateRecord,
} from './records.js';

/** Per client: records sorted by clock, and the check that they tile `0 .. n-1` exactly. */
function tile(records: UpdateRecord[]): Map<number, UpdateRecord[]> | null {
  const by = new Map<number, UpdateRecord[]>();
  for (const r of records) {
    let l = by.get(r.client);
    if (l === undefined) {
      l = [];
      by.set(r.client, l);
    }
    l.push(r);
  }
  for (const l of by.values()) {
    l.sort((a, b) => a.clock - b.clock);
    let next = 0;
    for (const r of l) {
      if (r.clock !== next) return null;
      next = r.clock + r.len;
    }
  }
  return by;
}

function find(by: Map<number, UpdateRecord[]>, client: number, clock: number): UpdateRecord | undefined {
  const l = by.get(client);
  if (l === undefined) return undefined;
  let lo = 0;
  let hi = l.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((l[mid] as UpdateRecord).clock <= clock) lo = mid;
    else hi = mid - 1;
  }
  const r = l[lo];
  return r !== undefined && clock >= r.clock && clock < r.clock + r.len ? r : undefined;
}

/**
 * Load `update` into `doc` directly when `doc` is empty and `update` is a well-formed snapshot.
 * Returns false (nothing changed) when the general path must be used.
 */
export function tryFastLoad(doc: Doc, update: DecodedUpdate, origin: unknown): boolean {
  if (doc.store.clients.size > 0 || doc.pending.length > 0 || !doc.pendingDeletes.isEmpty) return false;
  if (update.snapshot !== true) return false;
  if (doc.observerCount > 0 || update.deletes.size > 0 || update.records.length === 0) return false;
  const by = tile(update.records);
  if (by === null) return false;

  // Validate: parents resolve to containers of the right kind (or are dead), origins stay in
  // their container, and each group's holder comes before the group.
  const seen = new Set<string>();
  let groupParent: ParentRef | null = null;
  let groupKey = '';
  let kind = '';
  for (const r of update.records) {
    if (r.t === 3) continue;
    if (r.parent !== groupParent) {
      groupParent = r.parent;
      const key = parentKey(r.parent);
      if (key !== groupKey) {
        if (seen.has(key)) return false; // groups must be contiguous
        seen.add(key);
        groupKey = key;
      }
      if (r.parent.name !== null) kind = r.parent.kind;
      else {
        const h = find(by, r.parent.client, r.parent.clock);
        if (h === undefined) return false;
        let v: unknown;
        if (h.t === 1) v = h.value;
        else if (h.t === 0 && Array.isArray(h.content)) v = h.content[r.parent.clock - h.clock];
        if (!(v instanceof ContainerValue)) return false; // dead holders: the general path
        kind = v.kind;
      }
    }
    if (r.t === 0) {
      if (kind === 'text' ? typeof r.content === 'object' && r.content !== null : kind !== 'list')
        return false;
      if (kind === 'list' && typeof r.content === 'string') return false;
      if (r.olClient !== NONE) {
        const o = find(by, r.olClient, r.olClock);
        if (o === undefined || o.t !== 0 || (o.parent !== r.parent && parentKey(o.parent) !== groupKey))
          return false;
      }
      if (r.orClient !== NONE) {
        const o = find(by, r.orClient, r.orClock);
        if (o === undefined || o.t !== 0 || (o.parent !== r.parent && parentKey(o.parent) !== groupKey))
          return false;
      }
    } else if (r.t === 1) {
      if (kind !== 'map' || r.wall > 2 ** 47 || r.logical >= 2 ** 31) return false;
    } else if (kind !== 'counter') return false;
  }

  // Build. Containers are created when their holder is built; groups follow their holders.
  const created = new Map<string, Container>();
  const structs = new Map<number, Struct[]>();
  const addStruct = (s: Struct): void => {
    let l = structs.get(s.client);
    if (l === undefined) {
      l = [];
      structs.set(s.client, l);
    }
    l.push(s);
  };
  const containerFor = (p: ParentRef): Container | undefined => {
    if (p.name !== null) return doc.getRoot(p.kind, p.name);
    return created.get(`${p.client}:${p.clock}`);
  };
  // A snapshot lists a container's group before the groups nested in it, so one pass suffices;
  // check that order first so nothing is built for a snapshot we cannot take.
  const ready = new Set<string>();
  for (const r of update.records) {
    if (r.t === 3) continue;
    const p = r.parent;
    if (p.name === null && !ready.has(`${p.client}:${p.clock}`)) return false;
    if (r.t === 1 && r.value instanceof ContainerValue) ready.add(`${r.client}:${r.clock}`);
    if (r.t === 0 && Array.isArray(r.content)) {
      r.content.forEach((v, k) => {
        if (v instanceof ContainerValue) ready.add(`${r.client}:${r.clock + k}`);
      });
    }
  }
  const ci = (id: number): number => doc.clientIndex(id);
  let lastParent: ParentRef | null = null;
  let lastContainer: Container | null = null;
  const opened = doc.begin(origin, false);
  try {
    for (const r of update.records) {
      if (r.t === 3) {
        addStruct(new GcRun(ci(r.client), r.clock, r.len));
        continue;
      }
      if (r.parent !== lastParent) {
        lastParent = r.parent;
        lastContainer = containerFor(r.parent) as Container;
      }
      const c = lastContainer as Container;
      const client = ci(r.client);
      if (r.t === 0) {
        let content = r.content;
        if (content !== null && typeof content !== 'string') {
          content = content.map((v, k) => {
            if (!(v instanceof ContainerValue)) return v;
            const made = doc.createContainer(v.kind, null, client, r.clock + k, c);
            created.set(`${r.client}:${r.clock + k}`, made);
            return made;
          });
        }
        const item = new Item(
          client,
          r.clock,
          r.len,
          r.olClient === NONE ? NO_CLIENT : ci(r.olClient),
          r.olClock,
          r.orClient === NONE ? NO_CLIENT : ci(r.orClient),
          r.orClock,
          content,
          content === null,
        );
        const seq = (c as Text).seq;
        if (typeof content === 'string') seq.noteText(content);
        seq.index.push(item);
        addStruct(item);
      } else if (r.t === 1) {
        let value = r.value;
        if (value instanceof ContainerValue) {
          value = doc.createContainer(value.kind, null, client, r.clock, c);
          created.set(`${r.client}:${r.clock}`, value as Container);
        }
        const entry = new MapEntry(client, r.clock, c, r.key, value, r.wall, r.logical);
        doc.hlc.observe({ wall: r.wall, logical: r.logical, replica: r.client });
        (c as DocMap).integrateEntry(entry);
        addStruct(entry);
      } else {
        const op = new CounterOp(client, r.clock, c, r.delta);
        (c as Counter).integrateOp(op);
        addStruct(op);
      }
    }
    for (const [client, list] of structs) {
      list.sort((a, b) => a.clock - b.clock);
      const runs = doc.store.runs(client);
      doc.transaction.touchClient(client, 0);
      for (const s of list) runs.push(s);
    }
  } finally {
    if (opened) doc.commit();
  }
  return true;
}
