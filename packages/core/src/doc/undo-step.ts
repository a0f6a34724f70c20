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
 * - Formatting marks are reverted by new marks restoring what the other marks give
 *   (`undo-marks.ts`).
 */
import { Item, NO_CLIENT } from '../sequence/item.js';
import { Sequence } from '../sequence/sequence.js';
import type { DocMap, List } from './collections.js';
import { Container } from './container.js';
import type { Counter } from './counter.js';
import type { Doc } from './doc.js';
import { anchorBoundary, type MarkOp } from './marks.js';
import type { MapEntry } from './structs.js';
import type { Text } from './text.js';
import type { Attributes } from './text-delta.js';
import { applyAttributes, deletedAttributes, revertMarks } from './undo-marks.js';
import type { MapPrev, SeqContent } from './undo-mirror.js';
import { copyContent, indexInCopy, type Replacements } from './undo-replacements.js';

/** Units deleted by a step, and what they held. `client` is the document's client index. */
export interface DeletedRun {
  readonly client: number;
  readonly clock: number;
  readonly content: SeqContent;
  /**
   * In a formatted text, how many marks the text had when the step recorded the deletion: an undo
   * gives the units the formatting those marks (the step's own aside) give their tombstones.
   */
  readonly marksAt?: number;
}

/** Attributes of consecutive units: `[offset, length, attributes]` runs. */
type AttributeRuns = [number, number, Attributes][];

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
  /** Ranges of this replica's own clocks inserted into sequences: `[clock, len, ...]`. @internal */
  readonly inserted: number[] = [];
  /** Deleted units with their content, in the order they were recorded. @internal */
  readonly deleted: DeletedRun[] = [];
  /** Changed map keys (one entry per map and key; the earliest previous value is kept). @internal */
  readonly mapChanges = new Map<DocMap, Map<string, MapKeyChange>>();
  /** Sum of this replica's increments per counter. @internal */
  readonly counters = new Map<Counter, number>();
  /** This replica's formatting marks, in the order they were made. @internal */
  readonly marks: MarkOp[] = [];
  /** Free-form data for the application (e.g. the selection before the step). */
  readonly meta = new Map<string, unknown>();

  /** @internal */
  constructor(
    /** When the step was created (the manager's clock). */
    readonly created: number,
    /** When a change was last added to the step. @internal */
    public lastChange: number,
  ) {}

  /** True when the step holds no change. */
  get isEmpty(): boolean {
    return (
      this.inserted.length === 0 &&
      this.deleted.length === 0 &&
      this.mapChanges.size === 0 &&
      this.counters.size === 0 &&
      this.marks.length === 0
    );
  }

  /** Record own units `clock .. clock + len - 1` as inserted. @internal */
  addInserted(clock: number, len: number): void {
    const r = this.inserted;
    const n = r.length;
    if (n > 0 && (r[n - 2] as number) + (r[n - 1] as number) === clock) r[n - 1] = (r[n - 1] as number) + len;
    else r.push(clock, len);
  }

  /** Record a map key change, keeping the earliest previous value when the key repeats. @internal */
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

  /** Add `delta` to the increments recorded for `counter`. @internal */
  addCounter(counter: Counter, delta: number): void {
    this.counters.set(counter, (this.counters.get(counter) ?? 0) + delta);
  }

  /** Record an own formatting mark. @internal */
  addMark(mark: MarkOp): void {
    this.marks.push(mark);
  }

  /** Fold a later step into this one (time grouping). @internal */
  absorb(later: UndoStep): void {
    for (let i = 0; i < later.inserted.length; i += 2)
      this.addInserted(later.inserted[i] as number, later.inserted[i + 1] as number);
    for (const d of later.deleted) this.deleted.push(d);
    for (const keys of later.mapChanges.values())
      for (const c of keys.values()) this.addMapChange(c.map, c.key, c, c.ours);
    for (const [c, d] of later.counters) this.addCounter(c, d);
    for (const m of later.marks) this.marks.push(m);
    this.lastChange = later.lastChange;
  }

  /** True when own clock `clock` was inserted by this step. @internal */
  insertedHere(clock: number): boolean {
    const r = this.inserted;
    for (let i = 0; i < r.length; i += 2) {
      if (clock >= (r[i] as number) && clock < (r[i] as number) + (r[i + 1] as number)) return true;
    }
    return false;
  }

  /**
   * @internal Revert the step in `doc` (the caller opens the transaction; use
   * `UndoManager.undo`/`redo`). Deleted units come back, map keys revert, own insertions go,
   * counters take the opposite increments.
   */
  revert(doc: Doc, replaced: Replacements): void {
    // Formatting first, while the formatted text is still where the marks name it.
    if (this.marks.length > 0) revertMarks(doc, this.marks, (c, k) => c === 0 && this.insertedHere(k));
    const pieces: DeletedRun[] = [];
    for (const run of this.deleted) this.restorable(run, pieces);
    // Restore in document order: each piece lands just before its tombstone, after the pieces
    // restored before it.
    const keyed = pieces
      .map((p) => ({ p, k: positionKey(doc, p.client, p.clock) }))
      .filter((x): x is { p: DeletedRun; k: [number, number, number] } => x.k !== null)
      .sort((a, b) => a.k[0] - b.k[0] || a.k[1] - b.k[1] || a.k[2] - b.k[2]);
    // Pieces in live containers first, then map keys: both rebuild deleted containers, which
    // pieces of dead containers then go into. Own insertions go last (in copies too).
    const dead: DeletedRun[] = [];
    const formats: RestoredFormat[] = [];
    const mine = new Set(this.marks);
    for (const { p } of keyed) if (!restoreUnits(doc, p, replaced, false, formats, mine)) dead.push(p);
    for (const keys of this.mapChanges.values())
      for (const c of keys.values()) revertMapKey(doc, c, replaced);
    for (const p of dead) restoreUnits(doc, p, replaced, true, formats, mine);
    // Restored text gets its formatting once every piece is back: a format's end anchor then
    // names the right neighbour, not a tombstone of a piece still to come.
    for (const [text, own, runs] of formats)
      applyAttributes(text, anchorBoundary(text.seq, 0, own, false), runs);
    const r = this.inserted;
    for (let i = 0; i < r.length; i += 2)
      deleteUnits(doc, 0, r[i] as number, (r[i] as number) + (r[i + 1] as number), replaced);
    for (const [counter, delta] of this.counters) {
      const current = replaced.currentContainer(counter);
      if (current.alive && delta !== 0) current.increment(-delta);
    }
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
      const piece = { client: run.client, clock: run.clock + from, content: run.content.slice(from, to) };
      out.push(run.marksAt === undefined ? piece : { ...piece, marksAt: run.marksAt });
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

/** Restored text to format: the text, the first own clock of the restored units, their attributes. */
type RestoredFormat = [Text, number, AttributeRuns];

/**
 * Re-insert `content` exactly where unit `(client, clock)` (a tombstone) sits: as a new run of
 * own units whose left origin is the unit just before the tombstone and whose right origin is the
 * tombstone, so it lands between the same neighbours on every replica, before the tombstone and
 * after anything restored before it. In a dead container (deleted since), the content goes into
 * the container's copy when undo rebuilt one (`intoCopies`), after its left neighbour's copy.
 * Returns false when the container is dead (nothing done unless `intoCopies`).
 */
function restoreUnits(
  doc: Doc,
  run: DeletedRun,
  replaced: Replacements,
  intoCopies: boolean,
  formats: RestoredFormat[],
  exclude: ReadonlySet<MarkOp>,
): boolean {
  const { client, clock, content } = run;
  const s = doc.store.find(client, clock);
  if (!(s instanceof Item) || s.leaf === null || !s.deleted) return true;
  let copied = false;
  replaced.forEach(client, clock, clock + content.length, () => {
    copied = true;
  });
  if (copied) return true;
  const seq = Sequence.of(s);
  const container = seq.listener as unknown as Text | List;
  if (!container.alive) {
    if (!intoCopies) return false;
    const copy = replaced.currentContainer(container);
    if (copy === container || !copy.alive) return false;
    const at = indexInCopy(seq, s, clock, copy, replaced);
    replaced.add(client, clock, content.length, doc.nextClock);
    if (typeof content === 'string') (copy as Text).insert(at, content);
    else insertValues(copy as List, at, content, replaced);
    return false;
  }
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
      const c = doc.createContainer(v.kind, null, 0, own + k, container, v.concurrent);
      fresh.push(c);
      sources.push(v);
      return c;
    });
  }
  replaced.add(client, clock, content.length, own);
  // A formatted text: the restored units get the attributes they had when deleted.
  const text = container as Text;
  if (run.marksAt !== undefined && typeof content === 'string' && text.marks !== null) {
    const marks = text.marks.slice(0, run.marksAt).filter((m) => !exclude.has(m));
    formats.push([text, own, deletedAttributes(text, client, clock, content.length, doc.clientIds, marks)]);
  }
  seq.integrate(new Item(0, own, content.length, olClient, olClock, client, clock, units));
  for (let i = 0; i < fresh.length; i++)
    copyContent(fresh[i] as Container, sources[i] as Container, replaced);
  return true;
}

/** Insert list values (containers as copies) at `at`, one clock per value. */
function insertValues(list: List, at: number, values: unknown[], replaced: Replacements): void {
  let i = at;
  for (const v of values) {
    if (v instanceof Container)
      copyContent(list.insertContainer(i, v.kind, { concurrent: v.concurrent }), v, replaced);
    else list.insert(i, v);
    i++;
  }
}

/**
 * Delete the still-visible units among `(client, from .. to-1)`; for units already deleted (or in
 * a dead container), delete their copies instead (recursively), so undo follows content that an
 * earlier undo restored.
 */
function deleteUnits(doc: Doc, client: number, from: number, to: number, replaced: Replacements): void {
  let clock = from;
  while (clock < to) {
    const s = doc.store.find(client, clock);
    if (s === undefined) return;
    const end = Math.min(to, s.clock + s.len);
    if (s instanceof Item && s.leaf !== null) {
      const seq = Sequence.of(s);
      const container = seq.listener as unknown as Text | List;
      if (!s.deleted && container.alive) {
        container.delete(seq.index.visibleIndexOf(s) + (clock - s.clock), end - clock);
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
  let map = replaced.currentContainer(c.map);
  if (c.ours !== null) {
    const ours = replaced.currentEntry(c.ours);
    if (ours.deleted || !ours.parent.alive) return;
    map = ours.parent as DocMap;
    const live = map.live.get(c.key);
    if (live === undefined) return;
    if (live.length !== 1) {
      map.deleteEntry(ours);
      return;
    }
  } else if (!map.alive || map.live.has(c.key)) return;
  const before = doc.nextClock;
  if (!c.had) map.delete(c.key);
  else if (c.prev instanceof Container)
    copyContent(map.setContainer(c.key, c.prev.kind, { concurrent: c.prev.concurrent }), c.prev, replaced);
  else map.set(c.key, c.prev);
  if (c.had && c.prevEntry !== null) {
    const copy = doc.store.find(0, before);
    if (copy !== undefined && (copy as MapEntry).key === c.key)
      replaced.addEntry(c.prevEntry, copy as MapEntry);
  }
}
