/**
 * The structural writes of `Blocks` on its text: boundary and slot units, the marks that hold a
 * block's type, attributes and registers, and the compound steps (placing a block after another,
 * giving followers new places, joining, deleting blocks) that its public methods combine. Every
 * method runs inside the caller's transaction.
 */
import type { Item } from '../sequence/item.js';
import {
  ATTR_PREFIX,
  DEFAULT_TYPE,
  type LaidBlock,
  type Layout,
  MARKER,
  MERGE_KEY,
  MOVE_KEY,
  SLOT,
  TYPE_KEY,
} from './blocks-layout.js';
import { blockContent, sliceDelta, sortRanges } from './blocks-positions.js';
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

  /** Make block `id` display right after block `anchor`'s characters (first), or first of all. */
  place(id: string, anchor: Anchor): void {
    const at = anchor === null ? 0 : this.indexOf(anchor) + 1;
    const slot = this.insertUnit(at, SLOT);
    this.setRegister(id, MOVE_KEY, slot);
  }

  /** Write register `key` (move or merge) of block `id`: `[value, wall, logical]`. */
  setRegister(id: string, key: string, value: string): void {
    const ts = this.text.doc.hlc.tick();
    this.text.markExactly(this.indexOf(id), 1, key, [value, ts.wall, ts.logical]);
  }

  /** Give blocks `ids` (in display order) new places right after `anchor` (first), in that order. */
  rehome(ids: readonly string[], anchor: Anchor): void {
    if (ids.length === 0) return;
    const at = anchor === null ? 0 : this.indexOf(anchor) + 1;
    const doc = this.text.doc;
    const clock = doc.nextClock;
    this.text.insert(at, SLOT.repeat(ids.length));
    for (let i = 0; i < ids.length; i++)
      this.setRegister(ids[i] as string, MOVE_KEY, `${doc.clientId}:${clock + i}`);
  }

  /** Give the virtual block (characters and no boundary at all) a boundary. */
  normalize(): void {
    const l = this.layout();
    if (l.bySeq.length === 0 && l.blocks.length > 0) this.text.insert(0, MARKER);
  }

  /**
   * Move characters that precede the first boundary (left by a concurrent deletion of the first
   * block while someone typed in it) after it, when they are in `b`: copied and deleted, the one
   * case where a split is not a single insert. Returns true when it changed the text.
   */
  unorphan(b: LaidBlock): boolean {
    const l = this.layout();
    const first = l.bySeq[0];
    if (
      first === undefined ||
      first.root !== b ||
      first.own.length === 0 ||
      (first.own[0] as number) > first.marker
    )
      return false;
    let n = 0;
    for (let k = 0; k < first.own.length && (first.own[k] as number) < first.marker; k += 2)
      n += (first.own[k + 1] as number) - (first.own[k] as number);
    const content = sliceDelta(blockContent(l, this.text.spans(), { ...first, runs: first.own }), 0, n);
    const ranges: number[] = [];
    for (let k = 0; k < first.own.length && (first.own[k] as number) < first.marker; k += 2)
      ranges.push(first.own[k] as number, first.own[k + 1] as number);
    this.deleteUnits(ranges);
    let pos = this.indexOf(first.id) + 1;
    for (const op of content) {
      this.text.insert(pos, op.insert, op.attributes ?? {});
      pos += op.insert.length;
    }
    return true;
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
