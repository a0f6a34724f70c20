/**
 * A sequence of blocks (paragraphs, headings, list items, code blocks, quotes, ...) whose
 * contents are rich text, kept in one {@link Text}.
 *
 * Representation: every block is one boundary unit in the text, followed by its characters; its
 * type and attributes are never-growing formatting marks on that unit (last writer wins per
 * attribute, by the document's clock, as formatting does), and characters carry Peritext marks
 * as in any `Text`. So a split is one inserted boundary (characters typed concurrently after the
 * split point go with the new block; every character stays exactly once), a join is one deleted
 * boundary (or, after moves, one merge register write), and updates, snapshots, hostile-input decoding, undo and cursor anchors are those of
 * `Text`, unchanged: no new container kind and no new update format. The layout (which
 * characters belong to which block, in which order blocks display) is a pure function of the
 * text's units and marks; `blocks-layout.ts` defines it.
 *
 * Moves: a block's position is a last-writer-wins register (a mark on its boundary) naming a
 * zero-width slot unit inserted where it should display: right after the block it follows (as
 * that block's first "child"), or at the very front. The block's characters stay where they are
 * in the text, so text typed concurrently into a moved block moves with it, and concurrent moves
 * of one block show it once, where the latest move put it (concurrent moves that would put
 * blocks after each other in a cycle: the oldest of the cycle is ignored). A block split off
 * another follows it the same way, so a split half follows its block when the block is moved
 * concurrently.
 *
 * Flat addressing, as ProseMirror counts: block `i`'s boundary is one unit at `blocks()[i].start`,
 * its characters follow. Positions and lengths are UTF-16 units.
 *
 * Costs: reading (`blocks`, `toJSON`, positions) lays out the whole text once per change
 * (O(n) in units, cached until the next change); an observed `Blocks` computes its event delta by
 * comparing block states (O(n) per transaction). Each split or moved block adds one slot unit
 * that stays (zero width). Code units U+FDD0 and U+FDD1 (Unicode noncharacters) are reserved.
 */
import { AccordError } from '../errors.js';
import { applyFlatOps } from './blocks-apply.js';
import {
  checkBlockAttrs,
  checkChars,
  checkContent,
  checkFlatDelta,
  checkInline,
  checkType,
} from './blocks-check.js';
import type { BlockInfo, BlockJSON, BlocksDelta } from './blocks-delta.js';
import { insertMap } from './blocks-edits.js';
import { BlocksObservers } from './blocks-events.js';
import type { LaidBlock, Layout } from './blocks-laid.js';
import { attributesFromSpans, computeLayout } from './blocks-layout.js';
import { BlockMarkIndex } from './blocks-marks.js';
import { blockContent, blockIndexAt, flatOfTextIndex, textPoint } from './blocks-positions.js';
import { shiftLayout } from './blocks-shift.js';
import {
  deleteBlocksAt,
  deleteFlatRange,
  formatRanges,
  insertBlockAt,
  joinAt,
  moveTo,
  setBlockAt,
  splitAt,
} from './blocks-transactions.js';
import { BlockWriter } from './blocks-write.js';
import type { Text } from './text.js';
import type { AttributesPatch, TextDeltaInsert } from './text-delta.js';
import { checkIndex } from './values.js';

/** What changed in a {@link Blocks} during one transaction. */
export interface BlocksChangeEvent {
  /** The blocks that changed. */
  target: Blocks;
  /**
   * The change over the flat sequence: applying it to the previous `toJSON()` state (with
   * `applyBlocksDelta`) gives the new one. A moved block shows as a delete and an insert.
   */
  blocksDelta: BlocksDelta;
  /** The transaction origin. */
  origin: unknown;
  /** True for changes made by this replica, false for applied updates. */
  local: boolean;
}

/** Receives {@link BlocksChangeEvent}s. */
export type BlocksListener = (event: BlocksChangeEvent) => void;

const views = new WeakMap<Text, Blocks>();

/** A block tree with rich-text contents over one `Text` (see the module comment). */
export class Blocks {
  private cache: Layout | null = null;
  private cacheVersion = -1;
  private cacheMarks = -1;
  private cacheMarksRef: unknown = null;
  /** The listeners and what they were last told. */
  private readonly events = new BlocksObservers<Blocks>();
  /** The structural writes. */
  private readonly w: BlockWriter;
  /** Block keys per boundary unit. */
  private readonly marks = new BlockMarkIndex();

  private constructor(
    /** The text holding the blocks (for `UndoManager` scopes, anchors and encoding). */
    readonly text: Text,
  ) {
    this.w = new BlockWriter(text, () => this.layout());
  }

  /**
   * The blocks view of `text` (one object per text). `doc.getBlocks(name)` is
   * `Blocks.of(doc.getText(name))`; a text nested in a map or list works the same way.
   */
  static of(text: Text): Blocks {
    let b = views.get(text);
    if (b === undefined) {
      b = new Blocks(text);
      views.set(text, b);
    }
    return b;
  }

  /** The current layout (cached until the text or its marks change). @internal */
  layout(): Layout {
    if (!this.cacheCurrent()) {
      const t = this.text;
      const ids = t.doc.clientIds;
      this.marks.update(t.marks, ids);
      // Block keys from the per-unit index, unless some mark with a block key covers more than
      // its unit (only raw text writes make those): then from the text's resolved formatting.
      const keys =
        this.marks.wide.length === 0
          ? (client: number, clock: number) => this.marks.attributesOf(client, clock)
          : attributesFromSpans(t.spans());
      this.keep(computeLayout(t.seq, keys, ids));
    }
    return this.cache as Layout;
  }

  /** True when the cached layout is the text's as it is. @internal */
  cacheCurrent(): boolean {
    const t = this.text;
    return (
      this.cache !== null &&
      this.cacheVersion === t.seq.index.version &&
      this.cacheMarks === (t.marks?.length ?? 0) &&
      this.cacheMarksRef === t.marks
    );
  }

  /** Cache `layout` as the text's current one. @internal */
  keep(layout: Layout): void {
    const t = this.text;
    this.cache = layout;
    this.cacheVersion = t.seq.index.version;
    this.cacheMarks = t.marks?.length ?? 0;
    this.cacheMarksRef = t.marks;
  }

  /** Number of flat units: one per block plus its characters. */
  get length(): number {
    return this.layout().length;
  }

  /** Number of blocks. */
  get blockCount(): number {
    return this.layout().blocks.length;
  }

  /** The blocks in order, with where they sit. */
  blocks(): BlockInfo[] {
    return this.layout().blocks.map((b) => ({
      id: b.id,
      type: b.type,
      attrs: { ...b.attrs },
      start: b.start,
      length: b.length,
    }));
  }

  /**
   * The index of the block holding flat unit `flatIndex` (its boundary or one of its characters).
   * @throws {AccordError} `out-of-range` unless 0 <= flatIndex < length.
   */
  blockAt(flatIndex: number): number {
    const l = this.layout();
    checkIndex(flatIndex, 0, l.length - 1, 'flatIndex');
    return blockIndexAt(l, flatIndex);
  }

  /** The characters of block `blockIndex` as a delta. @throws {AccordError} `out-of-range`. */
  blockDelta(blockIndex: number): TextDeltaInsert[] {
    const l = this.layout();
    checkIndex(blockIndex, 0, l.blocks.length - 1, 'blockIndex');
    return blockContent(l, this.text.spans(), l.blocks[blockIndex] as LaidBlock);
  }

  /**
   * The index in {@link Blocks.text} where text typed at flat position `flatIndex` goes
   * (1 <= flatIndex <= length). For a cursor that stays with the characters around it, anchor the
   * unit before: `createAnchor(blocks.text, index, 'after')`, and map the resolved anchor back
   * with {@link Blocks.flatIndexOf}.
   * @throws {AccordError} `out-of-range`.
   */
  textIndexOf(flatIndex: number): number {
    const l = this.layout();
    checkIndex(flatIndex, 1, l.length, 'flatIndex');
    const b = l.blocks[blockIndexAt(l, flatIndex - 1)] as LaidBlock;
    return textPoint(l, b, flatIndex - 1 - b.start);
  }

  /**
   * The flat position of index `textIndex` of {@link Blocks.text} (0 <= textIndex <= its
   * length): the place among the blocks' characters it is at (a boundary or slot maps to the start
   * of the characters after it).
   * @throws {AccordError} `out-of-range`.
   */
  flatIndexOf(textIndex: number): number {
    checkIndex(textIndex, 0, this.text.length, 'textIndex');
    return flatOfTextIndex(this.layout(), textIndex);
  }

  /** Every block with its content. */
  toJSON(): BlockJSON[] {
    const l = this.layout();
    const spans = this.text.spans();
    return l.blocks.map((b) => ({
      id: b.id,
      type: b.type,
      attrs: { ...b.attrs },
      content: blockContent(l, spans, b),
    }));
  }

  // ---- Block structure -------------------------------------------------------------------------

  /**
   * Insert a block of `type` with `attrs` (JSON values; `null` ones are left out) and `content`
   * at block index `blockIndex` (0 <= blockIndex <= blockCount). One transaction. Returns its id.
   * Under concurrency it displays right after the block now before it (first at index 0),
   * wherever that block moves.
   * @throws {AccordError} `out-of-range`, or `invalid-argument` for an empty type, bad
   * attributes or content.
   */
  insertBlock(
    blockIndex: number,
    type: string,
    attrs: Record<string, unknown> = {},
    content: TextDeltaInsert[] = [],
  ): string {
    checkIndex(blockIndex, 0, this.blockCount, 'blockIndex');
    checkType(type);
    checkBlockAttrs(attrs);
    checkContent(content);
    return insertBlockAt(this, this.w, blockIndex, type, attrs, content);
  }

  /**
   * Split the block holding flat position `flatIndex` there (1 <= flatIndex <= length): one new
   * boundary; the characters after it (and those typed there concurrently by others) form the new
   * block, of `type` and `attrs` (default: those of the block split). One transaction; returns the
   * new block's id. Under concurrency the new block follows the block split wherever it is moved.
   * @throws {AccordError} `out-of-range`, `invalid-argument`.
   */
  split(flatIndex: number, type?: string, attrs?: Record<string, unknown>): string {
    checkIndex(flatIndex, 1, this.length, 'flatIndex');
    if (type !== undefined) checkType(type);
    if (attrs !== undefined) checkBlockAttrs(attrs);
    return splitAt(this, this.w, flatIndex, type, attrs);
  }

  /**
   * Join block `blockIndex` (>= 1) into the block before it: its characters (and those typed into
   * it concurrently) follow that block's. When the block before is also the one before in the text
   * (always, unless blocks were moved or inserted first) that is one deleted boundary unit;
   * otherwise it is one write of the block's merge register (the boundary stays, hidden). Nothing
   * is copied, so two replicas joining the same block join it once. Blocks that followed it keep
   * their place (they may get new slots).
   * @throws {AccordError} `out-of-range`.
   */
  join(blockIndex: number): void {
    checkIndex(blockIndex, 1, this.blockCount - 1, 'blockIndex');
    joinAt(this, this.w, blockIndex);
  }

  /**
   * Move block `fromBlock` (boundary and characters) so that it is at index `toBlock` afterwards
   * (as `splice(toBlock, 0, ...splice(fromBlock, 1))` would; 0 <= both < blockCount). One
   * register write: concurrent moves of one block leave it where the latest put it, never twice;
   * text typed into it concurrently moves with it. Blocks that followed it (split from it or
   * moved after it) stay where they are.
   * @throws {AccordError} `out-of-range`.
   */
  move(fromBlock: number, toBlock: number): void {
    const n = this.blockCount;
    checkIndex(fromBlock, 0, n - 1, 'fromBlock');
    checkIndex(toBlock, 0, n - 1, 'toBlock');
    if (fromBlock === toBlock) return;
    moveTo(this, this.w, fromBlock, toBlock);
  }

  /**
   * Set block `blockIndex`'s type and/or attributes (`null` removes one). Last writer wins per
   * attribute and for the type.
   * @throws {AccordError} `out-of-range`, `invalid-argument`.
   */
  setBlock(blockIndex: number, type?: string, attrs?: AttributesPatch): void {
    checkIndex(blockIndex, 0, this.blockCount - 1, 'blockIndex');
    if (type !== undefined) checkType(type);
    if (attrs !== undefined) checkBlockAttrs(attrs);
    setBlockAt(this, this.w, blockIndex, type, attrs);
  }

  /**
   * Delete `count` blocks from `blockIndex` (boundaries and characters). Blocks that followed a
   * deleted block (split from it or moved after it) and are not deleted stay where they display.
   * @throws {AccordError} `out-of-range`.
   */
  deleteBlocks(blockIndex: number, count: number): void {
    const n = this.blockCount;
    checkIndex(blockIndex, 0, n, 'blockIndex');
    checkIndex(count, 0, n - blockIndex, 'count');
    if (count === 0) return;
    deleteBlocksAt(this, this.w, blockIndex, count);
  }

  // ---- Characters --------------------------------------------------------------------------------

  /**
   * Insert `text` at flat position `flatIndex` (1 <= flatIndex <= length), in the block whose
   * boundary or character precedes it, with `Text.insert`'s rules for `attributes`. Into no block
   * at all (length 0, `flatIndex` 1) it is the implicit first paragraph: no boundary is written,
   * so replicas typing into an empty document at once type into one paragraph.
   * @throws {AccordError} `out-of-range`, `invalid-argument` (also for U+FDD0 and U+FDD1, and
   * attribute names starting with U+0000 or U+0001, which blocks reserve).
   */
  insertText(flatIndex: number, text: string, attributes?: AttributesPatch): void {
    if (typeof text !== 'string') throw new AccordError('invalid-argument', 'text must be a string');
    checkChars(text);
    if (attributes !== undefined) checkInline(attributes);
    const l = this.layout();
    checkIndex(flatIndex, 1, Math.max(1, l.length), 'flatIndex');
    if (text.length === 0) return;
    if (l.length === 0) {
      this.text.insert(0, text, attributes);
      return;
    }
    const b = l.blocks[blockIndexAt(l, flatIndex - 1)] as LaidBlock;
    // Characters alone leave the structure as it was: when no block key is read from a wide mark
    // (which new characters could fall under), the layout is carried over the insert (moved over
    // it, `blocks-shift.ts`, when it can be) instead of being read again by the next call (a paste
    // writes block after block, text after text).
    const carry = this.marks.wide.length === 0;
    const doc = this.text.doc;
    const clock = doc.nextClock;
    this.text.insert(textPoint(l, b, flatIndex - 1 - b.start), text, attributes);
    if (!carry) return;
    const at = this.w.indexOf(`${doc.clientId}:${clock}`);
    const shifted = shiftLayout(l, insertMap(at, text.length), this.text.seq);
    if (shifted !== null) this.keep(shifted);
  }

  /**
   * Delete `length` flat units from `flatIndex`. Characters are deleted; a deleted boundary joins
   * what is left of its block into the block before (as {@link Blocks.join}). A range starting at
   * 0 keeps the first block's boundary when text of the blocks it touches is left (that text joins
   * the first block), and deletes it otherwise.
   * @throws {AccordError} `out-of-range`.
   */
  deleteRange(flatIndex: number, length: number): void {
    const l0 = this.layout();
    checkIndex(flatIndex, 0, l0.length, 'flatIndex');
    checkIndex(length, 0, l0.length - flatIndex, 'length');
    if (length === 0) return;
    deleteFlatRange(this, this.w, l0, flatIndex, length);
  }

  /**
   * Set inline attributes over `length` flat units from `flatIndex` (`null` removes), with
   * `Text.format`'s rules; boundaries in the range are skipped.
   * @throws {AccordError} `out-of-range`, `invalid-argument`.
   */
  format(flatIndex: number, length: number, attributes: AttributesPatch): void {
    checkInline(attributes);
    const l = this.layout();
    checkIndex(flatIndex, 0, l.length, 'flatIndex');
    checkIndex(length, 0, l.length - flatIndex, 'length');
    if (length === 0) return;
    formatRanges(this, l, flatIndex, length, attributes);
  }

  /**
   * Apply a flat delta as one transaction: `retain` skips (with `attributes`, formats the
   * characters), `{retain: 1, block}` sets the type/attributes of the block whose boundary is
   * there, `insert` of a string inserts characters with exactly its attributes, `insert` of a
   * block inserts a boundary (a split inside a block's text, a new block at a block edge), and
   * `delete` deletes as {@link Blocks.deleteRange}. Into no block at all, a first plain paragraph
   * (default type, no attributes) with text is the implicit first paragraph (no boundary, see
   * {@link Blocks.insertText}). Checked first: a malformed delta changes nothing.
   * @throws {AccordError} `invalid-argument` for a malformed op, `out-of-range` past the end.
   */
  applyFlatDelta(delta: BlocksDelta): void {
    checkFlatDelta(delta, this.length);
    this.text.doc.transact(() => applyFlatOps(this, delta));
  }

  // ---- Events ----------------------------------------------------------------------------------

  /** Call `fn` after every transaction that changed the blocks. Returns a function that stops. */
  observe(fn: BlocksListener): () => void {
    return this.events.add(this, fn);
  }

  /** Stop calling `fn`. */
  unobserve(fn: BlocksListener): void {
    this.events.remove(fn);
  }
}
