/**
 * Remote changes: a flat delta from Accord as steps of one ProseMirror transaction.
 *
 * Text-only deltas (text inserted or deleted inside blocks, formats) become precise steps: every
 * operation's place is computed in the document before the change and mapped through the steps
 * added so far, so the local selection and decorations move exactly as ProseMirror maps them.
 * Deltas that change blocks (a split, a join, a block's type or attributes, blocks inserted or
 * deleted) rebuild the top-level nodes around the change from Accord's blocks, and replace only
 * the part that differs.
 */
import type { Attributes, AttributesPatch } from '@accord/core';
import { Fragment, type Node, type NodeType } from 'prosemirror-model';
import type { Transaction } from 'prosemirror-state';
import { replaceStep } from 'prosemirror-transform';
import type { BlockMapping, LaidOutBlock, Layout } from './convert.js';
import type { BlockEntry, BlocksLike, FlatBlock, FlatDeltaOp, FlatInsertText } from './flat.js';
import { blockAtFlat, flatToPos } from './positions.js';

/** What a remote delta needs from the Accord side: the blocks after the change. */
export type BlocksSource = Pick<BlocksLike, 'blocks' | 'blockDelta' | 'blockCount'>;

/**
 * Add to `tr` (whose document is in step with Accord before the change) the steps that apply
 * `delta`. Returns false when the delta does not fit the document (the two sides disagree): the
 * caller should then rebuild the whole document.
 */
export function applyRemoteDelta(
  mapping: BlockMapping,
  tr: Transaction,
  delta: readonly FlatDeltaOp[],
  source: BlocksSource,
): boolean {
  const layout = mapping.layout(tr.doc);
  if (isTextOnly(layout, delta)) return applyText(mapping, tr, layout, delta);
  return applyStructural(mapping, tr, layout, delta, source);
}

/** True when `delta` changes no block (no marker inserted, deleted or changed). */
function isTextOnly(layout: Layout, delta: readonly FlatDeltaOp[]): boolean {
  let pos = 0;
  for (const op of delta) {
    if ('delete' in op) {
      const end = pos + op.delete;
      const b = layout.blocks[blockAtFlat(layout, end - 1)];
      if (pos === 0 || b === undefined || b.flatStart >= pos) return false;
      pos = end;
    } else if ('retain' in op) {
      if ('block' in op) return false;
      pos += op.retain;
    } else if (typeof op.insert !== 'string' || pos === 0) return false;
  }
  return pos <= layout.flatLength;
}

function applyText(
  mapping: BlockMapping,
  tr: Transaction,
  layout: Layout,
  delta: readonly FlatDeltaOp[],
): boolean {
  let pos = 0; // flat position in the document before the change
  for (const op of delta) {
    if ('retain' in op) {
      if (!('block' in op) && op.attributes !== undefined)
        formatRange(mapping, tr, layout, pos, op.retain, op.attributes);
      pos += op.retain;
    } else if ('delete' in op) {
      const from = tr.mapping.map(flatToPos(layout, pos), 1);
      const to = tr.mapping.map(flatToPos(layout, pos + op.delete), -1);
      if (to > from) tr.delete(from, to);
      pos += op.delete;
    } else if (typeof op.insert === 'string') {
      const at = tr.mapping.map(flatToPos(layout, pos), 1);
      const parent = tr.doc.resolve(at).parent;
      if (!parent.isTextblock) return false;
      tr.insert(at, mapping.inline([op as FlatInsertText], parent.type));
    }
  }
  return true;
}

/** Format flat units `[from, from + length)` (markers in the range are skipped). */
function formatRange(
  mapping: BlockMapping,
  tr: Transaction,
  layout: Layout,
  from: number,
  length: number,
  patch: AttributesPatch,
): void {
  const end = from + length;
  for (let i = blockAtFlat(layout, from); i < layout.blocks.length; i++) {
    const b = layout.blocks[i] as LaidOutBlock;
    if (b.flatStart >= end) break;
    const textStart = b.flatStart + 1;
    const a = Math.max(from, textStart);
    const z = Math.min(end, textStart + b.node.content.size);
    if (z <= a) continue;
    const pmFrom = tr.mapping.map(b.pos + 1 + (a - textStart), 1);
    const pmTo = tr.mapping.map(b.pos + 1 + (z - textStart), -1);
    if (pmTo <= pmFrom) continue;
    for (const [key, value] of Object.entries(patch)) {
      const type = mapping.markType(key);
      if (type === undefined) continue;
      if (value === null || value === undefined || value === false) {
        tr.removeMark(pmFrom, pmTo, type);
        continue;
      }
      const marks = mapping.attributesToMarks({ [key]: value } as Attributes, b.node.type);
      const mark = marks[0];
      if (mark) tr.addMark(pmFrom, pmTo, mark);
      else tr.removeMark(pmFrom, pmTo, type); // a value the mark cannot show
    }
  }
}

/** The flat range a delta touches, on the old side (blocks) and its block count change. */
function touched(
  layout: Layout,
  delta: readonly FlatDeltaOp[],
): { first: number; last: number; growth: number } | undefined {
  let pos = 0;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  let growth = 0;
  const touch = (flat: number): void => {
    const i = blockAtFlat(layout, Math.max(0, flat));
    first = Math.min(first, i);
    last = Math.max(last, i);
  };
  for (const op of delta) {
    if ('retain' in op) {
      if ('block' in op) touch(pos);
      else if (op.attributes !== undefined) {
        touch(pos);
        touch(pos + op.retain - 1);
      }
      pos += op.retain;
    } else if ('delete' in op) {
      touch(pos - 1);
      touch(pos + op.delete);
      for (const b of layout.blocks) if (b.flatStart >= pos && b.flatStart < pos + op.delete) growth--;
      pos += op.delete;
    } else {
      touch(pos - 1);
      touch(pos);
      if (typeof op.insert !== 'string') growth++;
    }
  }
  if (pos > layout.flatLength) return undefined;
  if (first > last) return { first: 0, last: 0, growth };
  return { first, last, growth };
}

function applyStructural(
  mapping: BlockMapping,
  tr: Transaction,
  layout: Layout,
  delta: readonly FlatDeltaOp[],
  source: BlocksSource,
): boolean {
  const t = touched(layout, delta);
  if (t === undefined) return false;
  const doc = tr.doc;
  if (source.blockCount !== layout.blocks.length + t.growth) return false;
  // The top-level nodes holding the touched blocks, one more on each side, and further while the
  // neighbour is a list or a blockquote (the rebuilt blocks may group with it).
  const firstTop = topIndex(doc, (layout.blocks[t.first] as LaidOutBlock).pos);
  const lastTop = topIndex(doc, (layout.blocks[t.last] as LaidOutBlock).pos);
  let t0 = Math.max(0, firstTop - 1);
  let t1 = Math.min(doc.childCount, lastTop + 2);
  while (t0 > 0 && groups(mapping, doc.child(t0 - 1))) t0--;
  while (t1 < doc.childCount && groups(mapping, doc.child(t1))) t1++;
  let from = 0;
  for (let i = 0; i < t0; i++) from += doc.child(i).nodeSize;
  let to = from;
  for (let i = t0; i < t1; i++) to += doc.child(i).nodeSize;
  // Blocks of the region: old [b0, b1), new [b0, b1 + growth).
  let b0 = 0;
  while (b0 < layout.blocks.length && (layout.blocks[b0] as LaidOutBlock).pos < from) b0++;
  let b1 = b0;
  while (b1 < layout.blocks.length && (layout.blocks[b1] as LaidOutBlock).pos < to) b1++;
  const entries = source.blocks();
  const fresh: FlatBlock[] = [];
  for (let i = b0; i < b1 + t.growth; i++) {
    const entry = entries[i] as BlockEntry | undefined;
    if (entry === undefined) return false;
    fresh.push({ type: entry.type, attrs: entry.attrs, content: source.blockDelta(i) });
  }
  const nodes = mapping.toNodes(fresh);
  replaceNarrowly(tr, doc.type, doc.content.cut(from, to), Fragment.from(nodes), from);
  return true;
}

/** Replace `before` (at `at`) by `after`, touching only the part that differs. */
export function replaceNarrowly(
  tr: Transaction,
  top: NodeType,
  before: Fragment,
  after: Fragment,
  at: number,
): void {
  const start = before.findDiffStart(after);
  if (start === null) return;
  const end = before.findDiffEnd(after);
  let endA = end?.a ?? before.size;
  let endB = end?.b ?? after.size;
  const overlap = Math.max(0, start - Math.min(endA, endB));
  endA += overlap;
  endB += overlap;
  const shadow = top.create(null, after);
  const step = replaceStep(tr.doc, at + start, at + endA, shadow.slice(start, endB));
  if (step === null) return;
  const result = step.apply(tr.doc).doc;
  // The fitted result must be what was built; otherwise replace the region whole.
  if (
    result !== null &&
    result.content.size === tr.doc.content.size - before.size + after.size &&
    result.slice(at, at + after.size).content.eq(after)
  ) {
    tr.step(step);
    return;
  }
  tr.replaceWith(at, at + before.size, after);
}

/** Index of the top-level node containing position `pos`. */
export function topIndex(doc: Node, pos: number): number {
  let end = 0;
  for (let i = 0; i < doc.childCount; i++) {
    end += doc.child(i).nodeSize;
    if (pos < end) return i;
  }
  return Math.max(0, doc.childCount - 1);
}

export function groups(mapping: BlockMapping, node: Node): boolean {
  const n = mapping.names.nodes;
  const name = node.type.name;
  return name === n.bulletList || name === n.orderedList || name === n.blockquote;
}
