/**
 * Which units of a text's sequence its marks are anchored to, for the places where that decides
 * where typed text goes (`Text.insert`): after tombstones that no mark is anchored to (as plain
 * text does), or after the last of them a mark's anchor sits after (Peritext); and whether text
 * typed after a unit can inherit the unit's exact attributes (no anchor sits after it).
 */

import { type Item, type Leaf, NO_CLIENT } from '../sequence/item.js';
import type { Sequence } from '../sequence/sequence.js';
import { lowerBound } from '../sorted.js';
import {
  anchorsIn,
  type DeadLeafSummary,
  type ItemAnchors,
  SUMMARY_MIN_ITEMS,
  summarizeDeadLeaf,
  summaryCurrent,
} from './dead-leaf-summary.js';
import type { MarkOp, MarkSource } from './marks.js';

/** The anchors of one text's marks, as sorted clocks per client index (built on first use). */
export class MarkAnchors {
  /** Per client index, the sorted clocks of units some mark's anchor sits after; null: not built. */
  private afterCache: Map<number, number[]> | null = null;
  /** Per client index, the sorted clocks of units some mark is anchored to; null: not built. */
  private anchorCache: Map<number, number[]> | null = null;
  /**
   * A run of tombstones (its first item) that no mark's anchor sits after, known at sequence
   * version {@link MarkAnchors.freeRunVersion}: typing goes before it. Typing there keeps it known
   * ({@link MarkAnchors.typedBefore}); anything else that changes the sequence, and any new mark,
   * makes it stale.
   */
  private freeRun: Item | null = null;
  private freeRunVersion = -1;
  /**
   * The place right after the text last typed where {@link MarkAnchors.deadAfter} found nothing to
   * walk, while the sequence is at version {@link MarkAnchors.caretVersion} (-1: none): typing on
   * there needs no walk (see {@link MarkAnchors.typingOn}).
   */
  private caretPos = -1;
  private caretVersion = -1;
  /**
   * Set by {@link MarkAnchors.deadAfter}: true when its answer passes only tombstones that no mark
   * is anchored to. Text typed there then moves every mark boundary as text typed right after the
   * visible unit before the tombstones would.
   */
  freeWalk = false;
  /**
   * Whether walks cross all-deleted leaves by their summaries (`dead-leaf-summary.ts`); tests turn
   * it off to check both ways agree.
   * @internal
   */
  summaries = true;
  /** All-deleted leaves crossed by their summaries so far (tests read it). @internal */
  leavesCrossed = 0;
  /** Summaries of all-deleted leaves, by leaf; null until the first (most texts have no marks). */
  private leafSummaries: WeakMap<Leaf, DeadLeafSummary> | null = null;
  /** The anchored units of the item the walk is at ({@link anchorsIn}). */
  private readonly units: ItemAnchors = { first: -1, after: -1, stop: -1 };
  /** The unit offset {@link MarkAnchors.unitBefore} found. */
  private beforeAt = 0;

  /**
   * @param seq the text's sequence.
   * @param marks the text's marks (read when the lists are first built).
   */
  constructor(
    private readonly seq: Sequence,
    /** The text whose marks these are (its `marks` field, null until the first). */
    private readonly source: MarkSource,
  ) {}

  /** The text's marks, in arrival order. */
  private marks(): readonly MarkOp[] {
    return this.source.marks ?? [];
  }

  /** Note a mark just added to the text. */
  add(op: MarkOp): void {
    if (this.afterCache !== null) addAnchors(this.afterCache, op, true, true);
    if (this.anchorCache !== null) {
      addAnchors(this.anchorCache, op, true, false);
      // The summaries of the leaves holding its anchors are stale (the others stay current).
      this.dropSummary(op.startClient, op.startClock);
      this.dropSummary(op.endClient, op.endClock);
    }
    this.freeRun = null;
    this.freeRunVersion = -1;
    this.caretVersion = -1;
  }

  /**
   * Text was just typed where {@link MarkAnchors.deadAfter} put it (right after the unit before,
   * walked or known by {@link MarkAnchors.typingOn}, or among the tombstones after it), ending
   * before visible position `end`. The walk from its last unit would answer null: what follows
   * it is visible, or tombstones that no anchor sits after, the first of them anchored.
   */
  typedAt(end: number): void {
    this.caretPos = end;
    this.caretVersion = this.seq.index.version;
  }

  /**
   * True when text typed at `pos` goes right after the unit before it with no tombstone walk:
   * `pos` is where the last typing ended and nothing changed since (no edit, no new mark). The
   * units after that place are those the walk before the last typing left after it: none dead,
   * or dead ones typed text goes before. So {@link MarkAnchors.deadAfter} would answer null.
   */
  typingOn(pos: number): boolean {
    return pos === this.caretPos && this.caretVersion === this.seq.index.version;
  }

  /**
   * Text was just typed right before the tombstones {@link MarkAnchors.deadAfter} last found free
   * (the sequence was at `version` before): they stay free, at the new version.
   */
  typedBefore(version: number): void {
    if (this.freeRunVersion === version) this.freeRunVersion = this.seq.index.version;
  }

  /**
   * Where text typed right after the visible item at slot `leftAt` of `leftLeaf` goes when deleted
   * units follow it (the item and unit offset to insert after, or null: right after the visible
   * unit). Peritext's place is after the last of them that a mark's anchor sits after, so a
   * non-growing mark whose end was deleted does not take in the new text, and otherwise before
   * them all. From that place the text moves on past every following tombstone that no mark is
   * anchored to, up to the first anchored one: crossing a unit with no anchor changes no mark's
   * cover, and text typed after a backspace then continues the deleted run, as in plain text.
   */
  deadAfter(leftLeaf: Leaf, leftAt: number): [Item, number] | null {
    this.freeWalk = false;
    const idx = this.seq.index;
    // Walk the tombstones by leaf and slot (`idx.next` would search each item's slot).
    const leaves = idx.leaves;
    let leaf = leftLeaf;
    let i = leftAt;
    let first: Item | null = null;
    let all: Map<number, number[]> | null = null;
    let after: Map<number, number[]> | null = null;
    /** The place so far: after unit `placeAt` of `place` (null: right after the visible unit). */
    let place: Item | null = null;
    let placeAt = 0;
    /** Whether no anchored unit lies between the place and the unit walked: it may move on. */
    let open = true;
    /** Whether an anchored unit was walked yet (the place, if set before, passed none). */
    let anchored = false;
    let free = false;
    walk: for (;;) {
      i++;
      while (i >= leaf.items.length) {
        const li = leaf.index + 1;
        if (li >= leaves.length) break walk;
        leaf = leaves[li] as Leaf;
        i = 0;
        const items = leaf.items;
        if (leaf.vis !== 0 || items.length < SUMMARY_MIN_ITEMS || !this.summaries) continue;
        // A leaf of tombstones only: crossed by its summary.
        const head = items[0] as Item;
        if (first === null) {
          if (head === this.freeRun && this.freeRunVersion === idx.version) return null;
          first = head;
        }
        all ??= this.allAnchors();
        after ??= this.afterAnchors();
        const s = this.summaryOf(leaf, all, after);
        this.leavesCrossed++;
        const tail = items[items.length - 1] as Item;
        i = items.length;
        if (s.fc === NO_CLIENT) {
          if (open) {
            place = tail;
            placeAt = tail.len - 1;
            free = !anchored;
          }
          continue;
        }
        if (open && (s.fc !== head.client || s.fk !== head.clock)) {
          place = this.unitBefore(leaf, s.fc, s.fk);
          placeAt = this.beforeAt;
          free = !anchored;
        }
        open = false;
        anchored = true;
        if (s.ac === NO_CLIENT) continue;
        free = false;
        if (s.sc !== NO_CLIENT) {
          place = this.unitBefore(leaf, s.sc, s.sk);
          placeAt = this.beforeAt;
        } else {
          place = tail;
          placeAt = tail.len - 1;
          open = true;
        }
      }
      const it = leaf.items[i] as Item;
      if (!it.deleted) break;
      if (first === null) {
        // The same tombstones as the last walk found free, nothing changed since: still free.
        if (it === this.freeRun && this.freeRunVersion === idx.version) return null;
        first = it;
      }
      all ??= this.allAnchors();
      after ??= this.afterAnchors();
      const u = this.units;
      if (!anchorsIn(it, all, after, u)) {
        // No anchor in the item: the place moves past it while open.
        if (open) {
          place = it;
          placeAt = it.len - 1;
          free = !anchored;
        }
        continue;
      }
      // Up to the unit before the first anchored one, then no further.
      if (open && u.first > it.clock) {
        place = it;
        placeAt = u.first - 1 - it.clock;
        free = !anchored;
      }
      open = false;
      anchored = true;
      if (u.after < 0) continue;
      // After the last unit an anchor sits after, and on past the units of the item that no mark
      // is anchored to.
      place = it;
      free = false;
      if (u.stop >= 0) {
        placeAt = u.stop - 1 - it.clock;
        open = false;
      } else {
        placeAt = it.len - 1;
        open = true;
      }
    }
    if (place !== null) {
      // Passing no anchored unit, the text moves every mark boundary as text typed right after
      // the visible unit does, and typing on right after it walks to null (what follows is an
      // anchored unit no anchor sits after, or a visible one).
      this.freeWalk = free;
      return [place, placeAt];
    }
    if (first !== null) {
      this.freeRun = first;
      this.freeRunVersion = idx.version;
    }
    return null;
  }

  /** Drop the summary of the leaf holding unit (`client`, `clock`), or every one if none does. */
  private dropSummary(client: number, clock: number): void {
    if (client === NO_CLIENT) return;
    const leaf = (this.seq.itemOf(client, clock) as Item | undefined)?.leaf;
    if (leaf !== undefined && leaf !== null) this.leafSummaries?.delete(leaf);
    else this.leafSummaries = null;
  }

  /** The summary of the all-deleted `leaf`, kept while current. */
  private summaryOf(leaf: Leaf, all: Map<number, number[]>, after: Map<number, number[]>): DeadLeafSummary {
    if (this.leafSummaries === null) this.leafSummaries = new WeakMap();
    const summaries = this.leafSummaries;
    let s = summaries.get(leaf);
    if (s === undefined || !summaryCurrent(s, leaf, all)) {
      s = summarizeDeadLeaf(leaf, all, after);
      summaries.set(leaf, s);
    }
    return s;
  }

  /**
   * The item holding the unit right before unit (`client`, `clock`) of `leaf`, which is not the
   * leaf's first unit; its offset in {@link MarkAnchors.beforeAt}.
   */
  private unitBefore(leaf: Leaf, client: number, clock: number): Item {
    const item = this.seq.itemOf(client, clock);
    if (clock > item.clock) {
      this.beforeAt = clock - 1 - item.clock;
      return item;
    }
    const prev = leaf.items[leaf.items.indexOf(item) - 1] as Item;
    this.beforeAt = prev.len - 1;
    return prev;
  }

  /** Whether some mark's anchor sits after visible unit `pos`. */
  anchoredAfter(pos: number): boolean {
    const idx = this.seq.index;
    const item = idx.find(pos);
    const clocks = this.afterAnchors().get(item.client);
    if (clocks === undefined) return false;
    const clock = item.clock + idx.fOffset;
    return clocks[lowerBound(clocks, clock)] === clock;
  }

  /** Per client index, the clocks of units some mark's anchor sits after, sorted (cached). */
  private afterAnchors(): Map<number, number[]> {
    this.afterCache ??= anchorLists(this.marks(), true);
    return this.afterCache;
  }

  /** Per client index, the clocks of units some mark is anchored to (before or after), sorted (cached). */
  private allAnchors(): Map<number, number[]> {
    this.anchorCache ??= anchorLists(this.marks(), false);
    return this.anchorCache;
  }
}

/** Per client index, the sorted clocks of the units `marks` are anchored to (`afterOnly`: after). */
function anchorLists(marks: readonly MarkOp[], afterOnly: boolean): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const m of marks) addAnchors(out, m, false, afterOnly);
  for (const clocks of out.values()) clocks.sort((a, b) => a - b);
  return out;
}

/** Add the units `m` is anchored to (`afterOnly`: after) to `out`, kept sorted when `sorted`. */
function addAnchors(out: Map<number, number[]>, m: MarkOp, sorted: boolean, afterOnly: boolean): void {
  const add = (client: number, clock: number): void => {
    let list = out.get(client);
    if (list === undefined) {
      list = [];
      out.set(client, list);
    }
    if (!sorted) {
      list.push(clock);
      return;
    }
    // After any equal clocks, found by search (anchors of new marks sit anywhere in the text).
    const at = lowerBound(list, clock + 1);
    if (at === list.length) list.push(clock);
    else list.splice(at, 0, clock);
  };
  if ((m.startAfter || !afterOnly) && m.startClient !== NO_CLIENT) add(m.startClient, m.startClock);
  if ((m.endAfter || !afterOnly) && m.endClient !== NO_CLIENT) add(m.endClient, m.endClock);
}
