/**
 * The structural writes of `Blocks` on its text: boundary and slot units, the marks that hold a
 * block's type, attributes and registers, and the compound steps (placing a block after another,
 * giving followers new places, joining, deleting blocks) that its public methods combine. Every
 * method runs inside the caller's transaction.
 */
import type { Item } from '../sequence/item.js';
import { lowerBound } from '../sorted.js';
import type { LaidBlock, Layout } from './blocks-laid.js';
import { sortRanges } from './blocks-positions.js';
import {
  ATTR_PREFIX,
  DEFAULT_TYPE,
  MARKER,
  MERGE_KEY,
  MOVE_KEY,
  SLOT,
  TYPE_KEY,
  VIRTUAL_ID,
} from './blocks-units.js';
import type { Text } from './text.js';

/** Where a moved or split block is placed: after block `id`'s characters, or at the front (null). */
export type Anchor = string | null;

/** Writes block structure into a text (see the module comment). @internal */
export class BlockWriter {
  constructor(
    readonly text: Text,
    /** The current layout of the text. */
    readonly layout: () => Layout,
  ) {}

  /** Insert one unit (a boundary or a slot) at visible index `at`; returns its id. */
  insertUnit(at: number, unit: string): string {
    const doc = this.text.doc;
    const clock = doc.nextClock;
    this.text.insert(at, unit);
    return `${doc.clientId}:${clock}`;
  }

  /**
   * Insert a boundary at visible index `at`; returns its id. Slots after `at` in the segment it
   * splits (places where blocks display after that segment's block, which joins can leave
   * anywhere among its characters) would now lie in the new block's segment and make those blocks
   * follow it: the block that loses any gets all its followers again, in their order, right after
   * its boundary.
   */
  insertBoundary(at: number): string {
    const ids = (bs: readonly LaidBlock[]): string[] => bs.map((c) => c.id);
    const before = this.layout();
    // No slot between `at` and the next boundary: no block changes segment, and none changes
    // whose follower it is (the common case: a slot sits right after its block's boundary).
    const next = lowerBound(before.markers, at);
    const end = next < before.markers.length ? (before.markers[next] as number) : before.textLength;
    const s = lowerBound(before.slots, at);
    if (!(s < before.slots.length && (before.slots[s] as number) < end)) return this.insertUnit(at, MARKER);
    const kids = new Map<string | null, string[]>();
    for (const b of before.bySeq) if (b.kids.length > 0) kids.set(b.id, ids(b.kids));
    if (before.front.length > 0) kids.set(null, ids(before.front));
    const id = this.insertUnit(at, MARKER);
    if (kids.size === 0) return id;
    const after = this.layout();
    const now = new Map<string | null, string[]>([[null, ids(after.front)]]);
    for (const b of after.bySeq) now.set(b.id, ids(b.kids));
    for (const [owner, want] of kids)
      if ((now.get(owner) ?? []).join() !== want.join()) this.rehome(want, owner);
    return id;
  }

  /** Visible index of unit `id` (a boundary or slot this text holds, visible). */
  indexOf(id: string): number {
    const sep = id.indexOf(':');
    const doc = this.text.doc;
    const client = doc.knownClientIndex(Number(id.slice(0, sep))) as number;
    const clock = Number(id.slice(sep + 1));
    const item = this.text.seq.itemOf(client, clock) as Item;
    return this.text.seq.index.visibleIndexOf(item) + (clock - item.clock);
  }

  /** Marks on boundary `id`: its type, and attributes (all of them, or as a patch). */
  setMarks(id: string, type: string | undefined, attrs: Record<string, unknown>, patch: boolean): void {
    const at = this.indexOf(id);
    // A new boundary shows the default type without a mark (unless a stray mark covers it).
    const implicit = !patch && type === DEFAULT_TYPE && this.text.attributesAt(at)[TYPE_KEY] === undefined;
    if (type !== undefined && !implicit) this.text.markExactly(at, 1, TYPE_KEY, type);
    for (const k of Object.keys(attrs).sort()) {
      const v = attrs[k];
      if (v === undefined || (v === null && !patch)) continue;
      this.text.markExactly(at, 1, ATTR_PREFIX + k, v);
    }
  }

  /**
   * Make block `id` display right after block `anchor`'s characters (first), or first of all.
   * `layout`: one read earlier in the same edit, when only units and marks that leave the blocks
   * following `anchor` as they were (a new boundary and its characters) were written since; it
   * saves laying the text out again.
   */
  place(id: string, anchor: Anchor, layout?: Layout): void {
    this.rehome([id], anchor, layout);
  }

  /** Write register `key` (move or merge) of block `id`: `[value, wall, logical]`. */
  setRegister(id: string, key: string, value: string): void {
    const ts = this.text.doc.hlc.tick();
    this.text.markExactly(this.indexOf(id), 1, key, [value, ts.wall, ts.logical]);
  }

  /**
   * Give blocks `ids` (in display order) new places right after `anchor` (first), in that order:
   * slots right after `anchor`'s boundary. A block joined into `anchor` (merged, not in place) can
   * lie before it in the text, and a block displaying after `anchor` whose slot is among that
   * block's characters sorts before the new slots: such blocks get new places too, after `ids`, in
   * their order (the others' slots follow the new ones already).
   */
  rehome(ids: readonly string[], anchor: Anchor, layout?: Layout): void {
    if (ids.length === 0) return;
    const all = [...ids, ...this.followersBefore(anchor, ids, layout)];
    const at = anchor === null ? 0 : this.indexOf(anchor) + 1;
    const doc = this.text.doc;
    const clock = doc.nextClock;
    this.text.insert(at, SLOT.repeat(all.length));
    for (let i = 0; i < all.length; i++)
      this.setRegister(all[i] as string, MOVE_KEY, `${doc.clientId}:${clock + i}`);
  }

  /**
   * The blocks displaying right after block `anchor` (its children, in order), other than `ids`,
   * whose slots lie among the characters of a block joined into it that precedes it in the text.
   */
  private followersBefore(anchor: Anchor, ids: readonly string[], layout?: Layout): string[] {
    if (anchor === null) return [];
    const b = (layout ?? this.layout()).bySeq.find((x) => x.id === anchor);
    if (b === undefined || b.root.parts.length < 2) return [];
    const skip = new Set(ids);
    return b.root.kids.filter((k) => k.slotPart < b.seqIndex && !skip.has(k.id)).map((k) => k.id);
  }

  /**
   * Give the implicit first paragraph (characters before every boundary) a boundary, at the very
   * front: the blocks shown at the front follow it, so the display order stays.
   */
  normalize(): void {
    if (this.layout().blocks[0]?.id === VIRTUAL_ID) this.text.insert(0, MARKER);
  }

  /** Delete visible ranges `[from, to)` (flattened, ascending and disjoint). */
  deleteUnits(ranges: readonly number[]): void {
    for (let k = ranges.length - 2; k >= 0; k -= 2) {
      const a = ranges[k] as number;
      this.text.delete(a, (ranges[k + 1] as number) - a);
    }
  }

  /**
   * Join block `b` into block `a`, the one displayed before it (see {@link Blocks.join}): delete
   * its boundary when `a`'s last part precedes it in the text, else set its merge register.
   */
  joinInto(b: LaidBlock, a: LaidBlock): void {
    const l = this.layout();
    const prevInSeq = l.bySeq[b.seqIndex - 1];
    const inPlace =
      b.parts.length === 1 && prevInSeq !== undefined && prevInSeq === a.parts[a.parts.length - 1];
    const kids = b.kids.map((c) => c.id);
    const otherKids = a.kids.some((c) => c.id !== b.id);
    if (kids.length > 0 && (!inPlace || otherKids)) this.rehome(kids, a.id);
    if (inPlace) this.text.delete(this.indexOf(b.id), 1);
    else this.setRegister(b.id, MERGE_KEY, a.id);
  }

  /** Delete blocks `gone` (display order, contiguous); their surviving followers follow `anchor`. */
  removeBlocks(gone: readonly LaidBlock[], anchor: Anchor): void {
    const ids = new Set(gone.map((b) => b.id));
    const keep: string[] = [];
    for (const b of gone) for (const c of b.kids) if (!ids.has(c.id)) keep.push(c.id);
    const l0 = this.layout();
    const order = new Map(l0.blocks.map((b, i) => [b.id, i]));
    keep.sort((x, y) => (order.get(x) as number) - (order.get(y) as number));
    this.rehome(keep, anchor);
    const l = this.layout();
    const ranges: number[] = [];
    for (const b of l.bySeq) {
      if (!ids.has(b.root.id)) continue;
      ranges.push(b.marker, b.marker + 1, ...b.own);
    }
    this.deleteUnits(sortRanges(ranges));
  }
}
