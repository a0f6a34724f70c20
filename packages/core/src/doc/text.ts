/**
 * Collaborative text. Positions are UTF-16 code units, as in JavaScript strings and the DOM.
 *
 * Surrogate pairs are never split: an insert at a position between the two halves of a pair
 * is moved to just before the pair, and a delete that starts or ends inside a pair is widened to
 * cover the whole pair. So emoji, CJK and Hangul text round-trip exactly.
 *
 * Concurrent inserts at one position keep each replica's run together (no interleaving, forwards
 * or backwards); concurrent deletes of the same characters delete them once.
 *
 * Rich text: formatting marks (`format`, `insert` with attributes, `applyDelta`) follow Peritext
 * (see `marks.ts`). They are stored apart from the characters, so a text never formatted costs
 * nothing more than plain text.
 */

import { AccordError } from '../errors.js';
import type { ContainerKind } from '../format/kinds.js';
import { type Item, NO_CLIENT } from '../sequence/item.js';
import { checkAttributes } from './attribute-values.js';
import type { ChangeEvent, Container, DocCore } from './container.js';
import { checkDelta } from './delta-check.js';
import { ExactRun } from './exact-run.js';
import { LiveMarkIndex } from './live-mark-index.js';
import { AFTER_TOMBSTONES } from './mark-index.js';
import { type FormatSpan, type MarkInterval, type MarkOp, spansBetween } from './marks.js';
import { SequenceContainer } from './sequence-container.js';
import { MarkAnchors } from './text-anchors.js';
import type { Attributes, AttributesPatch, TextDelta, TextDeltaInsert } from './text-delta.js';
import { eventDelta, type ResolvedMarks, withLazyPlainDelta } from './text-events.js';
import { addMark, setExactly } from './text-format.js';
import { checkIndex } from './values.js';

/** A text in a document. */
export class Text extends SequenceContainer {
  readonly kind: ContainerKind = 'text';
  /** Formatting marks, in arrival order; null until the first one. @internal */
  marks: MarkOp[] | null = null;
  /** How many marks existed when this transaction first marked the text (events), or -1. */
  private marksBefore = -1;
  /** Which units the marks are anchored to (where typed text goes among tombstones). */
  private readonly anchors: MarkAnchors;
  /**
   * Cache of {@link Text.spans} for a formatted text: valid while no mark was added (which clears
   * it) and the sequence index is at version {@link Text.spansVersion}.
   */
  private spansCache: readonly FormatSpan[] | null = null;
  private spansVersion = -1;
  /** Cache of {@link Text.resolvedMarks}, valid as {@link Text.spansCache} is (its own version). */
  private resolvedCache: MarkInterval[] | null = null;
  private resolvedVersion = -1;
  /** The marks resolved to visible positions, kept through local edits. */
  private readonly live: LiveMarkIndex;
  /** The text last inserted with attributes, for text typed on after it (see {@link Text.insert}). */
  private readonly exact = new ExactRun();

  /** @internal */
  constructor(doc: DocCore, rootName: string | null, hc: number, hk: number, parent: Container | null) {
    super(doc, rootName, hc, hk, parent, true);
    this.anchors = new MarkAnchors(this.seq, this);
    this.live = new LiveMarkIndex(this.seq, this);
  }

  /**
   * Insert `text` at `index` (0 <= index <= length); an index inside a surrogate pair moves to
   * before the pair.
   *
   * Without `attributes` the new text takes the formatting Peritext gives it: the expanding marks
   * (`bold`, `italic`, ...) of the text it is typed after, never a `link` or comment that ends
   * there (see `marks.ts`). With `attributes` the new text has exactly those attributes (`null`
   * values and absent names: none), whatever it would have inherited.
   * @throws {AccordError} `out-of-range` for a bad index, `invalid-argument` if `text` is not a
   * string or `attributes` is not a plain object of JSON values.
   */
  insert(index: number, text: string, attributes?: AttributesPatch): void {
    if (typeof text !== 'string') throw new AccordError('invalid-argument', 'text must be a string');
    const seq = this.seq;
    const exact = this.exact;
    // Typing on after text inserted with attributes: whether `attributes` are exactly those of the
    // unit before, found while they are checked.
    const onExact = attributes !== undefined && exact.isBefore(index, seq.index.version);
    const sameAsBefore = attributes !== undefined && exact.check(attributes, onExact);
    const len = seq.length;
    index = checkIndex(index, 0, len, 'index');
    if (text.length === 0) return;
    if (seq.hasSurrogates && index > 0 && index < len && seq.splitsPair(index)) index--;
    seq.noteText(text);
    if (this.marks === null && attributes === undefined) {
      this.insertPlain(index, text, true);
      return;
    }
    // A transaction opened here, without a closure per keystroke (as `insertPlain`).
    const doc = this.doc;
    const opened = doc.begin();
    try {
      this.insertFormatted(index, text, attributes, onExact, sameAsBefore);
    } finally {
      if (opened) doc.commit();
    }
  }

  /**
   * {@link Text.insert} into a formatted text, or with attributes, inside a transaction: `onExact`
   * when the text goes right after the unit last given exact attributes, `sameAsBefore` when
   * `attributes` are exactly those.
   */
  private insertFormatted(
    at: number,
    text: string,
    attributes: AttributesPatch | undefined,
    onExact: boolean,
    sameAsBefore: boolean,
  ): void {
    const seq = this.seq;
    const idx = seq.index;
    const exact = this.exact;
    // The unit before the new text (one lookup for the tombstone walk and the interval shift).
    let lc = NO_CLIENT;
    let lk = 0;
    let dead: [Item, number] | null = null;
    if (at > 0) {
      const left = idx.find(at - 1);
      lc = left.client;
      lk = left.clock + idx.fOffset;
      if (this.marks !== null && idx.fOffset === left.len - 1 && !this.anchors.typingOn(at))
        dead = this.anchors.deadAfter(idx.fLeaf, idx.fIdx);
    }
    // The new unit then has exactly the attributes of the unit before when no anchor sits after
    // that unit (the same marks cover both): none can when it was typed on this way itself.
    const inherited =
      onExact && dead === null && exact.pos === at - 1 && (exact.free || !this.anchors.anchoredAfter(at - 1))
        ? exact.attrs
        : null;
    const track = this.live.tracks();
    if (dead === null) {
      const version = idx.version;
      // The last lookup was `find(at - 1)` above (or in `anchoredAfter`): reused.
      seq.insertLocal(at, text, 0, this.doc.nextClock, at > 0, this.marks === null);
      // Still right before the tombstones walked (see `MarkAnchors.deadAfter`); at the start no
      // walk was made (text typed on there may go after the tombstones that follow).
      this.anchors.typedBefore(version);
      if (at > 0) this.anchors.typedAt(at + text.length);
      if (track) this.live.noteEdit(at, text.length, lc, lk);
    } else {
      seq.insertAfterDead(at, dead[0], dead[1], text, 0, this.doc.nextClock);
      // No mark is anchored to the tombstones passed: every boundary moves as for text typed
      // right after the unit before them.
      if (track) {
        if (this.anchors.freeWalk) this.live.noteEdit(at, text.length, lc, lk);
        else this.live.noteEdit(at, text.length, AFTER_TOMBSTONES, 0);
      }
      // What follows the new text is visible, or tombstones no anchor sits after whose first is
      // anchored (`MarkAnchors.deadAfter` went as far as it could): typing on needs no walk.
      this.anchors.typedAt(at + text.length);
    }
    if (attributes === undefined) return;
    // Typing on with the attributes the text before has: nothing to mark.
    if (inherited !== null && sameAsBefore) exact.typedOn(at, text.length, idx.version);
    else {
      setExactly(this, at, text.length, attributes, inherited);
      exact.set(attributes, at, text.length, seq.index.version);
    }
  }

  /**
   * Set attributes over `length` units from `index`: each name gets its value, or loses it when
   * the value is `null` (a removal is a mark too, and wins over older marks of that name). Ranges
   * with an edge inside a surrogate pair widen to the whole pair.
   *
   * Concurrent marks of one name resolve per character: the latest (hybrid logical clock, then
   * replica id) wins where they overlap; marks of different names combine. Whether text later
   * typed at the end of the range is covered depends on the name (`markExpands`).
   * @throws {AccordError} `out-of-range` when the range is not inside the text,
   * `invalid-argument` for attributes that are not a plain object of JSON values.
   */
  format(index: number, length: number, attributes: AttributesPatch): void {
    checkAttributes(attributes);
    const len = this.seq.length;
    index = checkIndex(index, 0, len, 'index');
    length = checkIndex(length, 0, len - index, 'length');
    if (length === 0) return;
    [index, length] = this.widen(index, length);
    const keys = Object.keys(attributes)
      .filter((k) => attributes[k] !== undefined)
      .sort();
    if (keys.length === 0) return;
    this.edit(() => {
      for (const k of keys) addMark(this, index, length, k, attributes[k]);
    });
  }

  /**
   * The text as a delta: runs of text with their attributes (`attributes` absent for unformatted
   * text), neighbours with equal attributes joined. Attribute names come sorted.
   */
  toDelta(): TextDeltaInsert[] {
    const text = this.seq.toString();
    const out: TextDeltaInsert[] = [];
    for (const span of this.spans()) {
      const insert = text.slice(span.from, span.to);
      out.push(span.attributes === null ? { insert } : { insert, attributes: { ...span.attributes } });
    }
    return out;
  }

  /**
   * Apply a delta (Quill and Yjs shape) as one transaction: `retain` skips units (and with
   * `attributes` formats them, `null` removing), `insert` inserts text with exactly its
   * `attributes` (none when absent), `delete` removes units. The whole delta is checked first, so
   * a bad one changes nothing.
   * @throws {AccordError} `invalid-argument` for a malformed operation or attributes,
   * `out-of-range` when it runs past the end of the text.
   */
  applyDelta(delta: TextDelta): void {
    checkDelta(delta, this.seq.length);
    this.edit(() => {
      let pos = 0;
      for (const op of delta) {
        if ('insert' in op) {
          this.insert(pos, op.insert, op.attributes ?? {});
          pos += op.insert.length;
        } else if ('retain' in op) {
          if (op.attributes !== undefined) this.format(pos, op.retain, op.attributes);
          pos += op.retain;
        } else this.delete(pos, op.delete);
      }
    });
  }

  /**
   * The attributes of the unit at `index` (0 <= index < length); an empty object when it has
   * none.
   * @throws {AccordError} `out-of-range` for a bad index.
   */
  attributesAt(index: number): Attributes {
    index = checkIndex(index, 0, this.seq.length - 1, 'index');
    if (this.marks === null) return {};
    if (this.spansCache === null || this.spansVersion !== this.seq.index.version)
      return this.attributesFromIntervals(index);
    const spans = this.spansCache;
    // The spans cover 0 .. length in order: find the first that ends after `index`.
    let lo = 0;
    let hi = spans.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((spans[mid] as FormatSpan).to > index) hi = mid;
      else lo = mid + 1;
    }
    return { ...(spans[lo]?.attributes ?? {}) };
  }

  /**
   * The formatting as spans covering the text. For a formatted text the result is cached until
   * the sequence or the marks change, so callers must not modify it. @internal
   */
  spans(): readonly FormatSpan[] {
    const len = this.seq.length;
    if (this.marks === null) return len === 0 ? [] : [{ from: 0, to: len, attributes: null }];
    const version = this.seq.index.version;
    if (this.spansCache === null || this.spansVersion !== version) {
      this.spansCache = spansBetween(this.resolvedMarks(), this.doc.clientIds, 0, len);
      this.spansVersion = version;
    }
    return this.spansCache;
  }

  /**
   * The marks covering something, resolved to visible positions (from the kept intervals);
   * cached until the sequence or the marks change, so callers must not modify it.
   */
  private resolvedMarks(): readonly MarkInterval[] {
    const version = this.seq.index.version;
    if (this.resolvedCache === null || this.resolvedVersion !== version) {
      this.resolvedCache = this.live.current().resolved();
      this.resolvedVersion = version;
    }
    return this.resolvedCache;
  }

  /**
   * The formatting of visible positions `from .. to - 1` as spans (as {@link Text.spans} gives
   * them over that range): from the cached spans when current, else from the resolved marks that
   * overlap the range only, so a reader of one block of a long text does not sweep every mark.
   * @internal
   */
  spansIn(from: number, to: number): FormatSpan[] {
    if (from >= to) return [];
    if (this.marks === null) return [{ from, to, attributes: null }];
    if (this.spansCache !== null && this.spansVersion === this.seq.index.version) {
      const out: FormatSpan[] = [];
      for (const s of this.spansCache)
        if (s.to > from && s.from < to)
          out.push({ from: Math.max(from, s.from), to: Math.min(to, s.to), attributes: s.attributes });
      return out;
    }
    // Only the marks overlapping the range are positioned and swept.
    return spansBetween(this.live.current().intervalsIn(from, to), this.doc.clientIds, from, to);
  }

  /** Widen a range whose edges cut a surrogate pair (as `delete` does). */
  private widen(index: number, length: number): [number, number] {
    if (!this.seq.hasSurrogates) return [index, length];
    const len = this.seq.length;
    if (index > 0 && this.seq.splitsPair(index)) {
      index--;
      length++;
    }
    const end = index + length;
    if (end < len && this.seq.splitsPair(end)) length++;
    return [index, length];
  }

  /**
   * Set `key` to `value` (`null` removes it) on units `index .. index + length - 1` with a mark
   * that never grows: it starts before the first unit and ends after the last, so text typed at
   * either edge, now or concurrently, is not covered, whatever the key (`Blocks` keeps a block's
   * type and attributes this way on its boundary unit). No checks: the caller validates.
   * @internal
   */
  markExactly(index: number, length: number, key: string, value: unknown): void {
    this.edit(() => addMark(this, index, length, key, value, false));
  }

  /** Add a mark (local, or remote and validated) to this text. @internal */
  integrateMark(op: MarkOp): void {
    if (this.tracking) {
      if (this.marksBefore < 0) this.marksBefore = this.marks === null ? 0 : this.marks.length;
      this.touch();
    }
    if (this.marks === null) this.marks = [op];
    else this.marks.push(op);
    this.anchors.add(op);
    this.exact.clear();
    this.spansCache = null;
    this.resolvedCache = null;
    this.live.add(op);
  }

  /**
   * Delete `length` code units from `index`; a range edge inside a surrogate pair widens to the
   * whole pair.
   * @throws {AccordError} `out-of-range` when the range is not inside the text.
   */
  delete(index: number, length: number): void {
    const len = this.seq.length;
    index = checkIndex(index, 0, len, 'index');
    length = checkIndex(length, 0, len - index, 'length');
    if (length === 0) return;
    let at = index;
    let n = length;
    if (this.seq.hasSurrogates) [at, n] = this.widen(index, length);
    if (this.marks === null) {
      this.deletePlain(at, n);
      return;
    }
    const doc = this.doc;
    const opened = doc.begin();
    try {
      const track = this.live.tracks();
      this.seq.deleteLocal(at, n);
      if (track) this.live.noteEdit(at, -n, NO_CLIENT, 0);
    } finally {
      if (opened) doc.commit();
    }
  }

  /** True while the resolved marks exist: the sequence then reports remote edits' positions. @internal */
  get positionsWanted(): boolean {
    return this.live.wanted;
  }

  /**
   * Move the resolved marks through a remote edit (or undo) they were current before (see
   * `LiveMarkIndex.onPositions`). @internal
   */
  onPositions(before: number, index: number, n: number): void {
    this.live.onPositions(before, index, n);
  }

  /** The attributes of visible unit `index` from the resolved marks (no spans built). */
  private attributesFromIntervals(index: number): Attributes {
    return this.live.current().attributesAt(index, this.doc.clientIds);
  }

  /** Build and clear this transaction's event, with its rich-text delta. @internal */
  override takeEvent(origin: unknown, local: boolean): ChangeEvent | null {
    const before = this.marksBefore;
    this.marksBefore = -1;
    const marks = this.marks;
    const changes = this.pendingChanges;
    if (marks === null) {
      // Plain text: the delta follows from the changes alone, built only if someone reads it.
      const ev = super.takeEvent(origin, local);
      return ev === null ? null : withLazyPlainDelta(ev, this.seq.length, changes);
    }
    const textDelta = eventDelta(
      this.seq,
      marks,
      before < 0 ? marks.length : before,
      changes,
      this.doc.clientIds,
      // The resolved marks as the event reads them: all, or those over a range.
      {
        all: () => this.resolvedMarks(),
        inRange: (from, to) => this.live.current().intervalsIn(from, to),
      } satisfies ResolvedMarks,
    );
    const ev = super.takeEvent(origin, local);
    if (ev !== null) {
      ev.textDelta = textDelta;
      return ev;
    }
    if (textDelta.length === 0) return null;
    return { target: this, changes: [], keysChanged: new Set(), delta: 0, origin, local, textDelta };
  }

  /** The text as a string. */
  override toString(): string {
    return this.seq.toString();
  }

  /** The text as a string. */
  toJSON(): string {
    return this.seq.toString();
  }
}
