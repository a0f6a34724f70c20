/**
 * Local changes: what a ProseMirror transaction did, as one flat delta for Accord.
 *
 * The changed range comes from comparing the old and new document's content
 * (`findDiffStart`/`findDiffEnd`, which skip unchanged nodes by identity, so a keystroke costs a
 * walk over the top-level nodes, not a comparison of the document). It is widened to whole
 * blocks; the blocks on both sides are flattened and compared unit by unit: the common prefix
 * and suffix are kept (with a format where a character's marks changed, and a block change where
 * a block's type or attributes changed), the middle is deleted and inserted. So typing is an
 * insert, Enter inside a block is a block marker inserted there (a split), Backspace at a block's
 * start is its marker deleted (a join), toggling bold is a format and turning a paragraph into a
 * heading or a list item is a block change: concurrent edits of the same text survive all of
 * them.
 */
import type { Attributes, AttributesPatch } from '@accord/core';
import type { Node } from 'prosemirror-model';
import type { BlockMapping, Layout } from './convert.js';
import { type BlockInfo, canonical, type FlatBlock, type FlatDeltaOp, flatLength } from './flat.js';
import { posToFlat } from './positions.js';

/** The changed range of a transaction: blocks `[from, oldTo)` became blocks `[from, newTo)`. */
export interface BlockRange {
  readonly from: number;
  readonly oldTo: number;
  readonly newTo: number;
}

/**
 * The blocks that differ between `oldDoc` and `newDoc`, widened so that neither side is empty
 * (when any block changed). Undefined when no block differs (only a node without a block, such
 * as a horizontal rule, changed).
 */
export function changedBlocks(mapping: BlockMapping, oldDoc: Node, newDoc: Node): BlockRange | undefined {
  const start = oldDoc.content.findDiffStart(newDoc.content);
  if (start === null) return undefined;
  const end = oldDoc.content.findDiffEnd(newDoc.content);
  let endA = end?.a ?? oldDoc.content.size;
  let endB = end?.b ?? newDoc.content.size;
  // Repeated content can make the end land before the start: widen both ends alike.
  const overlap = Math.max(0, start - Math.min(endA, endB));
  endA += overlap;
  endB += overlap;
  const oldLayout = mapping.layout(oldDoc);
  const newLayout = mapping.layout(newDoc);
  // Blocks that end at or before `start` are the same on both sides, as are those starting at or
  // after the end of the change (their context is the same too: a changed wrapper differs in its
  // markup, so the change covers it).
  let from = countEndingBefore(oldLayout, start);
  let suffix = Math.min(
    countStartingAfter(oldLayout, endA),
    countStartingAfter(newLayout, endB),
    oldLayout.blocks.length - from,
    newLayout.blocks.length - from,
  );
  let oldTo = oldLayout.blocks.length - suffix;
  let newTo = newLayout.blocks.length - suffix;
  if (oldTo === from && newTo === from) return undefined;
  if (oldTo === from || newTo === from) {
    // One side has no block in the range: take in a neighbour so both start with a marker.
    if (from > 0) from--;
    else {
      suffix--;
      oldTo++;
      newTo++;
    }
  }
  return { from, oldTo, newTo };
}

function countEndingBefore(layout: Layout, pos: number): number {
  let lo = 0;
  let hi = layout.blocks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const b = layout.blocks[mid] as Layout['blocks'][number];
    if (b.pos + b.node.nodeSize <= pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function countStartingAfter(layout: Layout, pos: number): number {
  let lo = 0;
  let hi = layout.blocks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const b = layout.blocks[mid] as Layout['blocks'][number];
    if (b.pos < pos) lo = mid + 1;
    else hi = mid;
  }
  return layout.blocks.length - lo;
}

/**
 * The flat delta that turns `oldDoc` into `newDoc` (see the module comment), or an empty array
 * when their blocks are the same. `range`: their {@link changedBlocks}, when the caller has it.
 */
export function localDelta(
  mapping: BlockMapping,
  oldDoc: Node,
  newDoc: Node,
  hint?: { readonly from: number; readonly to: number },
  range: BlockRange | undefined = changedBlocks(mapping, oldDoc, newDoc),
): FlatDeltaOp[] {
  if (range === undefined) return [];
  const oldLayout = mapping.layout(oldDoc);
  const newLayout = mapping.layout(newDoc);
  const before = oldLayout.blocks
    .slice(range.from, range.oldTo)
    .map((b) => ({ ...b.info, content: mapping.content(b.node) }));
  const after = newLayout.blocks
    .slice(range.from, range.newTo)
    .map((b) => ({ ...b.info, content: mapping.content(b.node) }));
  const start = oldLayout.blocks[range.from]?.flatStart ?? 0;
  const builder = new DeltaBuilder();
  builder.retain(start);
  let limits: { maxPrefix: number; maxSuffix: number } | undefined;
  if (hint !== undefined && hint.from <= hint.to && hint.to <= newDoc.content.size) {
    // Where the steps replaced content: the common prefix and suffix stay out of it, so text
    // typed next to equal text is the new text (not the old text moved along).
    const newStart = newLayout.blocks[range.from]?.flatStart ?? 0;
    const newLength = flatLength(after);
    const from = posToFlat(newLayout, hint.from) - newStart;
    const to = posToFlat(newLayout, hint.to) - newStart;
    limits = { maxPrefix: Math.max(1, from), maxSuffix: Math.max(0, newLength - Math.max(from, to)) };
  }
  diffBlocks(before, after, builder, limits);
  return builder.finish();
}

/** One flat unit: a block marker, or a character with its attributes. */
type Unit =
  | { readonly block: BlockInfo; readonly key: string }
  | { readonly char: string; readonly attributes: Attributes; readonly key: string };

function units(blocks: readonly FlatBlock[]): Unit[] {
  const out: Unit[] = [];
  for (const block of blocks) {
    out.push({ block: { type: block.type, attrs: block.attrs }, key: canonical([block.type, block.attrs]) });
    for (const run of block.content) {
      const attributes = run.attributes ?? {};
      const key = canonical(attributes);
      for (let i = 0; i < run.insert.length; i++)
        out.push({ char: run.insert[i] as string, attributes, key });
    }
  }
  return out;
}

/** Two units stand for the same position: both markers, or the same character. */
function samePlace(a: Unit, b: Unit): boolean {
  return 'block' in a ? 'block' in b : 'char' in b && a.char === b.char;
}

/** Append to `out` the flat delta from `before` to `after` (both starting with a marker). */
export function diffBlocks(
  before: readonly FlatBlock[],
  after: readonly FlatBlock[],
  out: DeltaBuilder,
  limits?: { readonly maxPrefix: number; readonly maxSuffix: number },
): void {
  const a = units(before);
  const b = units(after);
  const maxPrefix = Math.min(a.length, b.length, limits?.maxPrefix ?? Number.POSITIVE_INFINITY);
  let prefix = 0;
  while (prefix < maxPrefix && samePlace(a[prefix] as Unit, b[prefix] as Unit)) prefix++;
  let suffix = 0;
  const room = Math.min(Math.min(a.length, b.length) - prefix, limits?.maxSuffix ?? Number.POSITIVE_INFINITY);
  while (suffix < room && samePlace(a[a.length - 1 - suffix] as Unit, b[b.length - 1 - suffix] as Unit))
    suffix++;
  const keep = (i: number, j: number): void => {
    const x = a[i] as Unit;
    const y = b[j] as Unit;
    if (x.key === y.key) out.retain(1);
    else if ('block' in y) out.retainBlock((x as { block: BlockInfo }).block, y.block);
    else out.retain(1, attributePatch((x as { attributes: Attributes }).attributes, y.attributes));
  };
  for (let i = 0; i < prefix; i++) keep(i, i);
  out.delete(a.length - prefix - suffix);
  for (let j = prefix; j < b.length - suffix; j++) {
    const y = b[j] as Unit;
    if ('block' in y) out.insertBlock(y.block);
    else out.insert(y.char, y.attributes);
  }
  for (let k = suffix; k > 0; k--) keep(a.length - k, b.length - k);
}

/** The patch that turns attributes `from` into `to` (`null` for the removed ones). */
export function attributePatch(from: Readonly<Attributes>, to: Readonly<Attributes>): AttributesPatch {
  const patch: AttributesPatch = {};
  for (const key of Object.keys(from)) if (!(key in to)) patch[key] = null;
  for (const [key, value] of Object.entries(to)) {
    if (!(key in from) || canonical(from[key]) !== canonical(value)) patch[key] = value;
  }
  return patch;
}

/** Builds a compact flat delta (adjacent operations of one kind merged, no trailing retain). */
export class DeltaBuilder {
  readonly #ops: FlatDeltaOp[] = [];
  #lastKey: string | null = null;

  retain(n: number, attributes?: AttributesPatch): void {
    if (n <= 0) return;
    const has = attributes !== undefined && Object.keys(attributes).length > 0;
    const key = has ? `r${canonical(attributes)}` : 'r';
    const last = this.#ops[this.#ops.length - 1];
    if (last && this.#lastKey === key && 'retain' in last && !('block' in last)) {
      this.#ops[this.#ops.length - 1] = has
        ? { retain: last.retain + n, attributes }
        : { retain: last.retain + n };
      return;
    }
    this.#ops.push(has ? { retain: n, attributes } : { retain: n });
    this.#lastKey = key;
  }

  /** Keep a marker, changing its block from `from` to `to`. */
  retainBlock(from: BlockInfo, to: BlockInfo): void {
    const attrs = attributePatch(from.attrs, to.attrs);
    const block: { type?: string; attrs?: AttributesPatch } = {};
    if (from.type !== to.type) block.type = to.type;
    if (Object.keys(attrs).length > 0) block.attrs = attrs;
    this.#ops.push({ retain: 1, block });
    this.#lastKey = null;
  }

  insert(text: string, attributes: Attributes): void {
    const has = Object.keys(attributes).length > 0;
    const key = `i${canonical(attributes)}`;
    const last = this.#ops[this.#ops.length - 1];
    if (last && this.#lastKey === key && 'insert' in last && typeof last.insert === 'string') {
      this.#ops[this.#ops.length - 1] = has
        ? { insert: last.insert + text, attributes }
        : { insert: last.insert + text };
      return;
    }
    this.#ops.push(has ? { insert: text, attributes } : { insert: text });
    this.#lastKey = key;
  }

  insertBlock(block: BlockInfo): void {
    this.#ops.push({ insert: { block: { type: block.type, attrs: block.attrs } } });
    this.#lastKey = null;
  }

  delete(n: number): void {
    if (n <= 0) return;
    const last = this.#ops[this.#ops.length - 1];
    if (last && this.#lastKey === 'd' && 'delete' in last) {
      this.#ops[this.#ops.length - 1] = { delete: last.delete + n };
      return;
    }
    this.#ops.push({ delete: n });
    this.#lastKey = 'd';
  }

  /** The delta, without a trailing plain retain. */
  finish(): FlatDeltaOp[] {
    const last = this.#ops[this.#ops.length - 1];
    if (last && 'retain' in last && !('block' in last) && last.attributes === undefined) this.#ops.pop();
    return this.#ops;
  }
}
