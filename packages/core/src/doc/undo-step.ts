/**
 * One undo (or redo) step: what a group of this replica's transactions changed, by id, and how to
 * revert it without touching anyone else's work.
 *
 * - Inserted units (this replica's own ids) are reverted by deleting those still visible; units
 *   someone else already deleted stay deleted, nothing else is removed.
 * - Deleted units are reverted by inserting their content again (new ids) where their tombstones
 *   are, so the text lands between the same neighbours even after remote edits moved things.
 * - Map writes are reverted to the previous value only while this replica's write (or delete) is
 *   still the key's only state; if another replica wrote the key since, its value stays.
 * - Counter increments are reverted by the opposite increment.
 */
import { Item, NO_CLIENT } from '../sequence/item.js';
import { Sequence } from '../sequence/sequence.js';
import { Container } from './container.js';
import type { Counter } from './counter.js';
import type { Doc } from './doc.js';
import type { List } from './list.js';
import type { DocMap } from './map.js';
import type { MapEntry } from './structs.js';
import type { Text } from './text.js';
import type { MapPrev, SeqContent } from './undo-mirror.js';

/**
 * Which deleted units were restored under which new ids: when an undo re-inserts deleted units,
 * a later undo of the step that inserted the originals must remove the copies instead.
 */
export class Replacements {
  /** Per client index: `[from, len, newOwnClock, ...]` (the copies are this replica's own ids). */
  private readonly ranges = new Map<number, number[]>();
  /** Map entries whose value an undo wrote again, by the entry it replaces. */
  private readonly entries = new Map<MapEntry, MapEntry>();

  /** Record that `copy` holds the value `original` held. */
  addEntry(original: MapEntry, copy: MapEntry): void {
    this.entries.set(original, copy);
  }

  /** The live entry now standing for `e` (itself, or the latest copy of its value). */
  currentEntry(e: MapEntry): MapEntry {
    let cur = e;
    for (let next = this.entries.get(cur); cur.deleted && next !== undefined; next = this.entries.get(cur))
      cur = next;
    return cur;
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

/** Units deleted by a step, and what they held. `client` is the document's client index. */
export interface DeletedRun {
  readonly client: number;
  readonly clock: number;
  readonly content: SeqContent;
}

/** A map key changed by a step: its value before the step and this replica's last entry. */
export interface MapKeyChange {
  readonly map: DocMap;
  readonly key: string;
  readonly had: boolean;
  readonly prev: unknown;
  /** The entry that held `prev` (null when the key was unset). */
  readonly prevEntry: MapEntry | null;
  /** This replica's entry written by the step, or null when the step removed the key. */
  ours: MapEntry | null;
}

/** A group of changes that undo or redo reverts as one. */
export class UndoStep {
  /** Ranges of this replica's own clocks inserted into sequences: `[clock, len, ...]`. */
  readonly inserted: number[] = [];
  /** Deleted units with their content, in the order they were recorded. */
  readonly deleted: DeletedRun[] = [];
  /** Changed map keys (one entry per map and key; the earliest previous value is kept). */
  readonly mapChanges = new Map<DocMap, Map<string, MapKeyChange>>();
  /** Sum of this replica's increments per counter. */
  readonly counters = new Map<Counter, number>();
  /** Free-form data for the application (e.g. the selection before the step). */
  readonly meta = new Map<string, unknown>();

  constructor(
    /** When the step was created (the manager's clock). */
    readonly created: number,
    /** When a change was last added to the step. */
    public lastChange: number,
  ) {}

  /** True when the step holds no change. */
  get isEmpty(): boolean {
    return (
      this.inserted.length === 0 &&
      this.deleted.length === 0 &&
      this.mapChanges.size === 0 &&
      this.counters.size === 0
    );
  }

  /** Record own units `clock .. clock + len - 1` as inserted. */
  addInserted(clock: number, len: number): void {
    const r = this.inserted;
    const n = r.length;
    if (n > 0 && (r[n - 2] as number) + (r[n - 1] as number) === clock) r[n - 1] = (r[n - 1] as number) + len;
    else r.push(clock, len);
  }

  /** Record a map key change, keeping the earliest previous value when the key repeats. */
  addMapChange(map: DocMap, key: string, prev: MapPrev, ours: MapEntry | null): void {
    let keys = this.mapChanges.get(map);
    if (keys === undefined) {
      keys = new Map();
      this.mapChanges.set(map, keys);
    }
    const old = keys.get(key);
    if (old === undefined)
      keys.set(key, { map, key, had: prev.had, prev: prev.prev, prevEntry: prev.prevEntry, ours });
    else old.ours = ours;
  }

  /** Add `delta` to the increments recorded for `counter`. */
  addCounter(counter: Counter, delta: number): void {
    this.counters.set(counter, (this.counters.get(counter) ?? 0) + delta);
  }

  /** Fold a later step into this one (time grouping). */
  absorb(later: UndoStep): void {
    for (let i = 0; i < later.inserted.length; i += 2)
      this.addInserted(later.inserted[i] as number, later.inserted[i + 1] as number);
    for (const d of later.deleted) this.deleted.push(d);
    for (const keys of later.mapChanges.values())
      for (const c of keys.values()) this.addMapChange(c.map, c.key, c, c.ours);
    for (const [c, d] of later.counters) this.addCounter(c, d);
    this.lastChange = later.lastChange;
  }

  /** True when own clock `clock` was inserted by this step. */
  insertedHere(clock: number): boolean {
    const r = this.inserted;
    for (let i = 0; i < r.length; i += 2) {
      if (clock >= (r[i] as number) && clock < (r[i] as number) + (r[i + 1] as number)) return true;
    }
    return false;
  }

  /**
   * @internal Revert the step in `doc` (the caller opens the transaction; use
   * `UndoManager.undo`/`redo`). Deletions come back first, then
   * insertions go, then map keys and counters.
   */
  revert(doc: Doc, replaced: Replacements): void {
    const pieces: DeletedRun[] = [];
    for (const run of this.deleted) this.restorable(run, pieces);
    // Restore in document order: each piece lands just before its tombstone, after the pieces
    // restored before it.
    const keyed = pieces
      .map((p) => ({ p, k: positionKey(doc, p.client, p.clock) }))
      .filter((x): x is { p: DeletedRun; k: [number, number, number] } => x.k !== null)
      .sort((a, b) => a.k[0] - b.k[0] || a.k[1] - b.k[1] || a.k[2] - b.k[2]);
    for (const { p } of keyed) restoreUnits(doc, p.client, p.clock, p.content, replaced);
    const r = this.inserted;
    for (let i = 0; i < r.length; i += 2)
      deleteUnits(doc, 0, r[i] as number, (r[i] as number) + (r[i + 1] as number), replaced);
    for (const keys of this.mapChanges.values())
      for (const c of keys.values()) revertMapKey(doc, c, replaced);
    for (const [counter, delta] of this.counters) if (counter.alive && delta !== 0) counter.increment(-delta);
  }

  /** The parts of `run` to restore: units this step inserted itself are left out. */
  private restorable(run: DeletedRun, out: DeletedRun[]): void {
    const n = run.content.length;
    if (run.client !== 0) {
      out.push(run);
      return;
    }
    let from = 0;
    while (from < n) {
      if (this.insertedHere(run.clock + from)) {
        from++;
        continue;
      }
      let to = from + 1;
      while (to < n && !this.insertedHere(run.clock + to)) to++;
      out.push({ client: run.client, clock: run.clock + from, content: run.content.slice(from, to) });
      from = to;
    }
  }
}

/** Document-order key of unit `(client, clock)`: leaf, index in the leaf, offset in the item. */
function positionKey(doc: Doc, client: number, clock: number): [number, number, number] | null {
  const s = doc.store.find(client, clock);
  if (!(s instanceof Item) || s.leaf === null) return null;
  return [s.leaf.index, s.leaf.items.indexOf(s), clock - s.clock];
}

/**
 * Re-insert `content` exactly where unit `(client, clock)` (a tombstone) sits: as a new run of
 * own units whose left origin is the unit just before the tombstone and whose right origin is the
 * tombstone, so it lands between the same neighbours on every replica, before the tombstone and
 * after anything restored before it. The caller holds the transaction open.
 */
function restoreUnits(
  doc: Doc,
  client: number,
  clock: number,
  content: SeqContent,
  replaced: Replacements,
): void {
  const s = doc.store.find(client, clock);
  if (!(s instanceof Item) || s.leaf === null || !s.deleted) return;
  let copied = false;
  replaced.forEach(client, clock, clock + content.length, () => {
    copied = true;
  });
  if (copied) return;
  const seq = Sequence.of(s);
  const container = seq.listener as unknown as Text | List;
  if (!container.alive) return;
  let olClient = NO_CLIENT;
  let olClock = 0;
  if (clock > s.clock) {
    olClient = client;
    olClock = clock - 1;
  } else {
    const prev = seq.index.prev(s);
    if (prev !== null) {
      olClient = prev.client;
      olClock = prev.clock + prev.len - 1;
    }
  }
  const own = doc.nextClock;
  const fresh: Container[] = [];
  const sources: Container[] = [];
  let units: SeqContent = content;
  if (typeof content !== 'string') {
    units = content.map((v, k) => {
      if (!(v instanceof Container)) return v;
      const c = doc.createContainer(v.kind, null, 0, own + k, container);
      fresh.push(c);
      sources.push(v);
      return c;
    });
  }
  replaced.add(client, clock, content.length, own);
  seq.integrate(new Item(0, own, content.length, olClient, olClock, client, clock, units, false));
  for (let i = 0; i < fresh.length; i++) copyContent(fresh[i] as Container, sources[i] as Container);
}

/**
 * Delete the still-visible units among `(client, from .. to-1)`; for units already deleted, delete
 * their restored copies instead (recursively), so undo follows text that an earlier undo restored.
 */
function deleteUnits(doc: Doc, client: number, from: number, to: number, replaced: Replacements): void {
  let clock = from;
  while (clock < to) {
    const s = doc.store.find(client, clock);
    if (s === undefined) return;
    const end = Math.min(to, s.clock + s.len);
    if (s instanceof Item && s.leaf !== null) {
      if (!s.deleted) {
        const seq = Sequence.of(s);
        const container = seq.listener as unknown as Text | List;
        if (container.alive) container.delete(seq.index.visibleIndexOf(s) + (clock - s.clock), end - clock);
      } else {
        replaced.forEach(client, clock, end, (_a, _b, copy) => {
          deleteUnits(doc, 0, copy, copy + (_b - _a), replaced);
        });
      }
    }
    clock = end;
  }
}

/**
 * Revert one map key: only while this replica's write is still live (following copies made by
 * earlier undos). If another replica wrote the key since, its value stays; if one wrote it
 * concurrently, only this replica's entry is removed, so the concurrent value shows.
 */
function revertMapKey(doc: Doc, c: MapKeyChange, replaced: Replacements): void {
  const map = c.map;
  if (!map.alive) return;
  const live = map.live.get(c.key);
  if (c.ours === null) {
    if (live !== undefined) return;
  } else {
    const ours = replaced.currentEntry(c.ours);
    if (ours.deleted || live === undefined) return;
    if (live.length !== 1) {
      map.deleteEntry(ours);
      return;
    }
  }
  const before = doc.nextClock;
  if (!c.had) map.delete(c.key);
  else if (c.prev instanceof Container) copyContent(map.setContainer(c.key, c.prev.kind), c.prev);
  else map.set(c.key, c.prev);
  if (c.had && c.prevEntry !== null) {
    const copy = doc.store.find(0, before);
    if (copy !== undefined && (copy as MapEntry).key === c.key)
      replaced.addEntry(c.prevEntry, copy as MapEntry);
  }
}

/** Fill the new empty container `target` with the content `source` holds (recursively). */
export function copyContent(target: Container, source: Container): void {
  if (source.kind === 'text') {
    const s = source.toString();
    if (s.length > 0) (target as Text).insert(0, s);
  } else if (source.kind === 'counter') {
    const v = (source as Counter).value;
    if (v !== 0) (target as Counter).increment(v);
  } else if (source.kind === 'list') {
    const list = target as List;
    const items = (source as List).toArray();
    items.forEach((v, i) => {
      if (v instanceof Container) copyContent(list.insertContainer(i, v.kind), v);
      else list.insert(i, v);
    });
  } else {
    const map = target as DocMap;
    const src = source as DocMap;
    for (const key of src.keys()) {
      const v = src.get(key);
      if (v instanceof Container) copyContent(map.setContainer(key, v.kind), v);
      else map.set(key, v);
    }
  }
}
