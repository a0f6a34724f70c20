/**
 * Copies made by undo. Deletions in a CRDT are permanent, so undo brings deleted content back
 * as copies with new ids: re-inserted units, map values written again, and deleted containers
 * (a todo item, a nested text) rebuilt as new containers with the same content. This registry
 * remembers which copy stands for which original, so a later undo of an older step that changed
 * the original (typed into that todo's title, checked it, incremented its counter) changes the
 * copy instead.
 */
import { Item } from '../sequence/item.js';
import type { Sequence } from '../sequence/sequence.js';
import type { DocMap, List } from './collections.js';
import { Container } from './container.js';
import type { Counter } from './counter.js';
import type { MapEntry } from './structs.js';
import type { Text } from './text.js';

/** Which originals live on as which copies (one registry per undo manager). */
export class Replacements {
  /** Per client index: `[from, len, newOwnClock, ...]` (the copies are this replica's own ids). */
  private readonly ranges = new Map<number, number[]>();
  /** Map entries whose value an undo wrote again, by the entry it stands for. */
  private readonly entries = new Map<MapEntry, MapEntry>();
  /** Containers rebuilt by undo, by the dead container they stand for. */
  private readonly containers = new Map<Container, Container>();

  /** Record that `copy` holds the value `original` held. */
  addEntry(original: MapEntry, copy: MapEntry): void {
    this.entries.set(original, copy);
  }

  /** The entry now standing for `e`: itself while live, else the latest copy of its value. */
  currentEntry(e: MapEntry): MapEntry {
    let cur = e;
    for (;;) {
      if (!cur.deleted && cur.parent.alive) return cur;
      const next = this.entries.get(cur);
      if (next === undefined) return cur;
      cur = next;
    }
  }

  /** Record that the new container `copy` stands for the dead container `original`. */
  addContainer(original: Container, copy: Container): void {
    this.containers.set(original, copy);
  }

  /** The container now standing for `c`: itself while alive, else its latest copy. */
  currentContainer<C extends Container>(c: C): C {
    let cur: Container = c;
    for (;;) {
      if (cur.alive) return cur as C;
      const next = this.containers.get(cur);
      if (next === undefined) return cur as C;
      cur = next;
    }
  }

  /** Record that units `(client, from .. from+len-1)` now live on as own units `to ..`. */
  add(client: number, from: number, len: number, to: number): void {
    let r = this.ranges.get(client);
    if (r === undefined) {
      r = [];
      this.ranges.set(client, r);
    }
    r.push(from, len, to);
  }

  /** Call `fn(from, to, newFrom)` for every recorded copy overlapping `(client, from .. to-1)`. */
  forEach(client: number, from: number, to: number, fn: (a: number, b: number, copy: number) => void): void {
    const r = this.ranges.get(client);
    if (r === undefined) return;
    for (let i = 0; i < r.length; i += 3) {
      const start = r[i] as number;
      const a = Math.max(from, start);
      const b = Math.min(to, start + (r[i + 1] as number));
      if (a < b) fn(a, b, (r[i + 2] as number) + (a - start));
    }
  }
}

/**
 * Fill the new empty container `target` with what `source` holds (recursively), recording every
 * unit, entry and nested container of `source` as replaced by its copy.
 */
export function copyContent(target: Container, source: Container, replaced: Replacements): void {
  const doc = target.doc;
  replaced.addContainer(source, target);
  if (source.kind === 'text') {
    const text = source as Text;
    let base = doc.nextClock;
    text.seq.index.forEach((it) => {
      if (it.deleted) return;
      replaced.add(it.client, it.clock, it.len, base);
      base += it.len;
    });
    const s = text.toString();
    if (s.length > 0) (target as Text).insert(0, s);
  } else if (source.kind === 'counter') {
    const v = (source as Counter).value;
    if (v !== 0) (target as Counter).increment(v);
  } else if (source.kind === 'list') {
    const list = target as List;
    let i = 0;
    (source as List).seq.index.forEach((it) => {
      if (it.deleted) return;
      (it.content as unknown[]).forEach((v, k) => {
        replaced.add(it.client, it.clock + k, 1, doc.nextClock);
        if (v instanceof Container)
          copyContent(list.insertContainer(i, v.kind, { concurrent: v.concurrent }), v, replaced);
        else list.insert(i, v);
        i++;
      });
    });
  } else {
    const map = target as DocMap;
    const src = source as DocMap;
    for (const key of src.keys()) {
      const v = src.get(key);
      const at = doc.nextClock;
      if (v instanceof Container)
        copyContent(map.setContainer(key, v.kind, { concurrent: v.concurrent }), v, replaced);
      else map.set(key, v);
      const copy = doc.store.find(0, at) as MapEntry | undefined;
      const original = src.live.get(key)?.find((e) => e.value === v);
      if (copy !== undefined && original !== undefined) replaced.addEntry(original, copy);
    }
  }
}

/**
 * Where the unit `clock` of run `item` in the dead sequence `seq` would be in `copy` (the
 * container rebuilt from it): just after the nearest unit to its left that has a live copy
 * there, or 0. The units of its own run before it come first: a run of tombstones can hold the
 * unit and the neighbour restored just before it.
 */
export function indexInCopy(
  seq: Sequence,
  item: Item,
  clock: number,
  copy: Text | List,
  replaced: Replacements,
): number {
  let found = afterCopyIn(item.client, item.clock, clock, copy, replaced);
  for (let it: Item | null = seq.index.prev(item); found < 0 && it !== null; it = seq.index.prev(it)) {
    found = afterCopyIn(it.client, it.clock, it.clock + it.len, copy, replaced);
  }
  return Math.max(0, found);
}

/**
 * The visible index in `copy` just after the copy of the last unit among `(client, from .. to-1)`
 * whose copy lives there; -1 when none does. A unit copied more than once counts by any live copy.
 */
function afterCopyIn(
  client: number,
  from: number,
  to: number,
  copy: Text | List,
  replaced: Replacements,
): number {
  const store = copy.doc.store;
  let best = -1;
  let bestUnit = -1;
  replaced.forEach(client, from, to, (a, b, own) => {
    for (let u = b - 1; u >= a && u > bestUnit; u--) {
      const o = own + (u - a);
      const s = store.find(0, o);
      if (s instanceof Item && !s.deleted && s.leaf !== null && s.leaf.owner === copy.seq) {
        best = copy.seq.index.visibleIndexOf(s) + (o - s.clock) + 1;
        bestUnit = u;
        return;
      }
    }
  });
  return best;
}
