/**
 * The sequence CRDT shared by text and lists: a YATA-style list of run-length encoded items
 * ordered with the "YjsMod" integration rule (equivalent to FugueMax), so runs typed concurrently
 * at one place never interleave, whether typed forwards or backwards. Local edits take a fast path
 * (no conflict scan; typing at the end of one's own run just extends it); remote items go through
 * {@link integrateItem}.
 */
import { isHighSurrogate, isLowSurrogate } from '../encoding/utf16.js';
import type { SequenceEnv, SequenceListener } from './env.js';
import { type IntegrationTarget, integrateItem } from './integrate.js';
import { appendText, Item, type Leaf, NO_CLIENT, type RunContent } from './item.js';
import { SequenceIndex } from './leaf-index.js';

/** Any UTF-16 surrogate code unit. */
const SURROGATE = /[\uD800-\uDFFF]/;

/** A replicated sequence of units (text code units or list elements). */
export class Sequence implements IntegrationTarget {
  /** Items in document order. */
  readonly index = new SequenceIndex(this);

  constructor(
    /** The document environment (store and transaction). */
    readonly env: SequenceEnv,
    /** The container that owns this sequence and hears its changes. */
    readonly listener: SequenceListener,
    /** True for text (string runs), false for lists (array runs). */
    readonly isText: boolean,
  ) {}

  /**
   * True once any inserted unit was a UTF-16 surrogate (text only): until then, surrogate-pair
   * checks can be skipped.
   */
  hasSurrogates = false;

  /** Note inserted text (for {@link hasSurrogates}). */
  noteText(s: string): void {
    if (this.hasSurrogates) return;
    if (s.length > 8) {
      if (SURROGATE.test(s)) this.hasSurrogates = true;
      return;
    }
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdfff) this.hasSurrogates = true;
    }
  }

  /** The sequence that holds `item`. */
  static of(item: Item): Sequence {
    return (item.leaf as Leaf).owner as Sequence;
  }

  /** Number of visible units. */
  get length(): number {
    return this.index.length;
  }

  /** The item holding unit `(client, clock)`; the caller guarantees it is an item of this sequence. */
  itemOf(client: number, clock: number): Item {
    return this.env.store.find(client, clock) as Item;
  }

  /**
   * The UTF-16 code unit at visible position `pos` of a text (0 <= pos < length), read from its
   * run without making a one-unit string (a surrogate would be a new string each time).
   */
  codeAt(pos: number): number {
    const item = this.index.find(pos);
    return (item.content as string).charCodeAt(this.index.fOffset);
  }

  /**
   * True when visible position `pos` (0 < pos < length) of a text falls between the two halves of
   * a surrogate pair. One lookup (of unit `pos - 1`) unless that unit is a high surrogate ending
   * its run.
   */
  splitsPair(pos: number): boolean {
    const item = this.index.find(pos - 1);
    const off = this.index.fOffset;
    const c = item.content as string;
    const high = c.charCodeAt(off);
    if (!isHighSurrogate(high)) return false;
    return isLowSurrogate(off + 1 < c.length ? c.charCodeAt(off + 1) : this.codeAt(pos));
  }

  /** The visible unit (code unit or element) at `pos` (0 <= pos < length). */
  unitAt(pos: number): string | unknown {
    const item = this.index.find(pos);
    return (item.content as string | unknown[])[this.index.fOffset];
  }

  /**
   * Insert `content` (non-empty) at visible position `pos` (0 <= pos <= length) as units with ids
   * `(client, clock ..)`. Returns the item that holds the new units. `found`: the caller's last
   * lookup was `index.find(pos - 1)` and nothing changed since, so its place is reused.
   * `afterDead`: when deleted units follow the unit before `pos`, the new ones go after them (as
   * Yjs puts typed text): text typed after a backspace then continues the deleted run's clocks
   * and origin, so the two merge into one run once deleted too. Text with formatting marks does
   * not, since where new text sits among tombstones decides which marks cover it.
   */
  insertLocal(
    pos: number,
    content: string | unknown[],
    client: number,
    clock: number,
    found = false,
    afterDead = false,
  ): Item {
    const n = content.length;
    const idx = this.index;
    let left: Item | null = null;
    let right: Item | null;
    let leaf: Leaf | null = null;
    let at = -1;
    if (pos === 0) {
      right = idx.first();
    } else {
      left = found ? (idx.fLeaf.items[idx.fIdx] as Item) : idx.find(pos - 1);
      leaf = idx.fLeaf;
      at = idx.fIdx;
      const off = idx.fOffset + 1;
      if (off < left.len) {
        right = this.splitItem(left, off);
        leaf = left.leaf;
        at = -1;
      } else {
        right = idx.nextAt(leaf, at);
        if (afterDead && right?.deleted) {
          left = idx.lastDeadAfter(leaf, at) as Item;
          leaf = idx.dLeaf as Leaf;
          at = idx.dIdx;
          right = idx.nextAt(leaf, at);
        }
        // Fast path: continue our own run when nothing sits between it and its right origin.
        else if (
          left.client === client &&
          left.clock + left.len === clock &&
          !left.deleted &&
          (right === null
            ? left.orClient === NO_CLIENT
            : right.client === left.orClient && right.clock === left.orClock)
        ) {
          if (this.isText) left.content = appendText(left.content as string, content as string);
          else for (const v of content as unknown[]) (left.content as unknown[]).push(v);
          idx.adjust(leaf, n);
          this.env.store.runs(client).next = clock + n;
          if (this.listener.tracking) this.listener.onInsert(pos, content);
          return left;
        }
      }
    }
    const item = new Item(
      client,
      clock,
      n,
      left === null ? NO_CLIENT : left.client,
      left === null ? 0 : left.clock + left.len - 1,
      right === null ? NO_CLIENT : right.client,
      right === null ? 0 : right.clock,
      this.isText ? content : (content as unknown[]).slice(),
    );
    if (leaf !== null && at >= 0) idx.insertAfterAt(leaf, at, item);
    else idx.insertAfter(left, item);
    this.env.store.add(item);
    if (this.listener.tracking) this.listener.onInsert(pos, content);
    return item;
  }

  /**
   * Insert `content` (non-empty) at visible position `pos` directly after unit `offset` of the
   * deleted item `dead`, which lies between the visible units `pos - 1` and `pos` (rich text puts
   * new text after a tombstone that ends a non-growing mark). Returns the new item.
   */
  insertAfterDead(
    pos: number,
    dead: Item,
    offset: number,
    content: string | unknown[],
    client: number,
    clock: number,
  ): Item {
    if (offset + 1 < dead.len) this.splitItem(dead, offset + 1);
    const right = this.index.next(dead);
    const item = new Item(
      client,
      clock,
      content.length,
      dead.client,
      dead.clock + dead.len - 1,
      right === null ? NO_CLIENT : right.client,
      right === null ? 0 : right.clock,
      this.isText ? content : (content as unknown[]).slice(),
    );
    this.index.insertAfter(dead, item);
    this.env.store.add(item);
    if (this.listener.tracking) this.listener.onInsert(pos, content);
    return item;
  }

  /** Delete `len` visible units starting at `pos` (the caller checked the range). */
  deleteLocal(pos: number, len: number): void {
    const idx = this.index;
    let item: Item | null = idx.find(pos);
    const off = idx.fOffset;
    if (off > 0 && off + len === item.len && this.shrinkIntoNext(item, idx.fLeaf, idx.fIdx, len)) {
      if (this.listener.tracking) this.listener.onDelete(pos, len);
      return;
    }
    if (off > 0) item = this.splitItem(item, off);
    if (this.listener.tracking) this.listener.onDelete(pos, len);
    let remaining = len;
    let first: Item | null = null;
    let last: Item | null = null;
    while (remaining > 0 && item !== null) {
      if (!item.deleted) {
        if (item.len > remaining) this.splitItem(item, remaining);
        remaining -= item.len;
        this.markDeleted(item);
        if (first === null) first = item;
        last = item;
        if (remaining === 0) break;
      }
      item = idx.next(item);
    }
    if (first !== null && last !== null) this.compact(first, last);
  }

  /**
   * Backspace fast path: when the last `n` units of live `item` are deleted and the next item is
   * the dead continuation of the same run, move the units into that tombstone (no split, no
   * merge, no allocation). Returns false when the shape does not fit.
   */
  private shrinkIntoNext(item: Item, leaf: Leaf, at: number, n: number): boolean {
    const next = this.index.nextAt(leaf, at);
    if (
      next === null ||
      !next.deleted ||
      next.client !== item.client ||
      next.clock !== item.clock + item.len ||
      next.olClient !== item.client ||
      next.olClock !== next.clock - 1 ||
      next.orClient !== item.orClient ||
      next.orClock !== item.orClock
    ) {
      return false;
    }
    const c = item.content as string | unknown[];
    item.content = c.slice(0, c.length - n);
    next.clock -= n;
    next.olClock -= n;
    next.content = (next.content as number) + n;
    this.index.adjust(leaf, -n);
    this.env.recordDelete(item.client, next.clock, n);
    return true;
  }

  /**
   * Merge the tombstones from `first` to `last` (document order) with each other and with their
   * dead neighbours where they continue one another (same client, consecutive clocks, same
   * origins): deleting typed text one character at a time then leaves one item, not one per
   * character.
   */
  compact(first: Item, last: Item): void {
    const idx = this.index;
    const before = idx.prev(first);
    let cur = before !== null && this.mergeDead(before, first) ? before : first;
    let done = first === last;
    while (!done) {
      const next = idx.next(cur);
      if (next === null) break;
      done = next === last;
      if (!this.mergeDead(cur, next)) cur = next;
    }
    const after = idx.next(cur);
    if (after !== null) this.mergeDead(cur, after);
  }

  /** Merge dead `right` into dead `left` when it continues it; true when merged. */
  private mergeDead(left: Item, right: Item): boolean {
    if (
      !left.deleted ||
      !right.deleted ||
      left.client !== right.client ||
      left.clock + left.len !== right.clock ||
      right.olClient !== left.client ||
      right.olClock !== right.clock - 1 ||
      right.orClient !== left.orClient ||
      right.orClock !== left.orClock
    ) {
      return false;
    }
    left.content = (left.content as number) + (right.content as number);
    this.index.removeDead(right);
    this.env.store.runs(right.client).remove(right);
    return true;
  }

  /** Delete `item` (all its units) and tell the transaction; returns false if it already was. */
  markDeleted(item: Item): boolean {
    if (item.deleted) return false;
    item.kill();
    this.index.adjust(item.leaf as Leaf, -item.len);
    this.env.recordDelete(item.client, item.clock, item.len);
    return true;
  }

  /**
   * Cut `item` at `offset` (0 < offset < len) and place the tail in the index and the store.
   * Returns the tail.
   */
  splitItem(item: Item, offset: number): Item {
    const before = this.index.version;
    const right = item.splitAt(offset);
    if (!item.deleted) this.index.adjust(item.leaf as Leaf, -right.len);
    this.index.insertAfter(item, right);
    this.env.store.runs(item.client).insertAfter(item, right);
    // Inside `integrate` the integration reports once, for its splits too.
    if (this.integrating === 0 && this.listener.positionsWanted === true)
      this.listener.onPositions?.(before, 0, 0);
    return right;
  }

  /** Depth of `integrate` calls under way (their splits are reported with the insertion). */
  private integrating = 0;

  /**
   * Integrate a remote item whose origins (if any) are already in this sequence, and report the
   * visible insertion to the listener. The item must not be in the store yet; returns the item that
   * now holds its units (the item itself, or its left neighbour when it extended that run).
   */
  integrate(item: Item, leftHolder: Item | null = null, rightHolder: Item | null = null): Item {
    if (this.isText && typeof item.content === 'string') this.noteText(item.content);
    const before = this.index.version;
    const listener = this.listener;
    this.integrating++;
    let holder: Item;
    try {
      holder = integrateItem(this, item, leftHolder, rightHolder);
    } finally {
      this.integrating--;
    }
    const wanted = listener.positionsWanted === true;
    if (typeof item.content !== 'number' && (listener.tracking || wanted)) {
      const at = this.index.visibleIndexOf(holder) + (item.clock - holder.clock);
      if (listener.tracking) listener.onInsert(at, item.content);
      if (wanted) listener.onPositions?.(before, at, item.len);
    } else if (wanted) listener.onPositions?.(before, 0, 0);
    return holder;
  }

  /** Delete the visible units of `item` from a remote delete, reporting the change. */
  deleteRemote(item: Item): void {
    if (item.deleted) return;
    const before = this.index.version;
    const listener = this.listener;
    const wanted = listener.positionsWanted === true;
    const at = listener.tracking || wanted ? this.index.visibleIndexOf(item) : 0;
    const len = item.len;
    if (listener.tracking) listener.onDelete(at, len);
    this.markDeleted(item);
    this.compact(item, item);
    if (wanted) listener.onPositions?.(before, at, -len);
  }

  /** The visible units as a string (text sequences). */
  toString(): string {
    const known = this.index.text;
    if (known !== null) return known;
    const parts: string[] = [];
    for (const leaf of this.index.leaves)
      for (const it of leaf.items) if (!it.deleted) parts.push(it.content as string);
    return parts.join('');
  }

  /** The visible units as an array (list sequences). */
  toArray(): unknown[] {
    const out: unknown[] = [];
    for (const leaf of this.index.leaves)
      for (const it of leaf.items) if (!it.deleted) for (const v of it.content as unknown[]) out.push(v);
    return out;
  }

  /** Visible units `from .. to-1` (text: a string; list: an array). */
  slice(from: number, to: number): RunContent {
    if (!this.isText) return this.toArray().slice(from, to);
    const known = this.index.text;
    if (known !== null || from <= 0 || to >= this.length) return this.toString().slice(from, to);
    if (from >= to) return '';
    // Only the items holding the range are read.
    const index = this.index;
    let it: Item | null = index.find(from);
    let leaf = index.fLeaf;
    let idx = index.fIdx;
    let offset = index.fOffset;
    const parts: string[] = [];
    let need = to - from;
    while (it !== null && need > 0) {
      if (!it.deleted) {
        const piece = (it.content as string).slice(offset, offset + need);
        parts.push(piece);
        need -= piece.length;
        offset = 0;
      }
      if (idx + 1 < leaf.items.length) it = leaf.items[++idx] as Item;
      else {
        it = index.nextAt(leaf, idx);
        if (it !== null) {
          leaf = it.leaf as typeof leaf;
          idx = 0;
        }
      }
    }
    return parts.join('');
  }
}
