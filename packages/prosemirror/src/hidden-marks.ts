/**
 * Marks Accord keeps where the editor cannot show them. A code block allows no mark, so Accord
 * text in one can carry formatting the editor leaves out (a replica bolded a word while another
 * made its paragraph a code block). When a local change takes such text where marks show again
 * (a split or join out of the code block, its type changed back), Accord's blocks would show
 * formatting the user never saw and the others would draw it while this editor does not. The
 * user's editor is what they edited: {@link revealedMarkFixes} gives the formatting that makes
 * Accord's touched blocks show as the editor does. Attributes no mark stands for, and marks still
 * hidden, are left as they are.
 */
import type { Attributes, AttributesPatch, TextDeltaInsert } from '@accord/core';
import type { NodeType } from 'prosemirror-model';
import type { BlockMapping, Layout } from './convert.js';
import { canonical, type FlatDeltaOp } from './flat.js';

/** What the fixes read from Accord's blocks. */
export interface BlockContentSource {
  /** Rich text of block `index`. */
  blockDelta(index: number): TextDeltaInsert[];
}

/** True when `delta` can change which node a block's text sits in (anything but typing and formatting). */
export function mayMoveTextBetweenNodes(delta: readonly FlatDeltaOp[]): boolean {
  for (const op of delta) {
    if ('delete' in op || 'block' in op) return true;
    if ('insert' in op && typeof op.insert !== 'string') return true;
  }
  return false;
}

/**
 * The flat delta (retains with attribute patches) that makes blocks `[from, to)` of `source`
 * show as the editor's blocks of `layout` do, for marks that show in the editor's node but
 * differ from it; empty when they agree. Blocks whose text differs are skipped (not a marks
 * matter).
 */
export function revealedMarkFixes(
  mapping: BlockMapping,
  layout: Layout,
  source: BlockContentSource,
  from: number,
  to: number,
): FlatDeltaOp[] {
  const delta: FlatDeltaOp[] = [];
  let at = 0;
  for (let i = from; i < to && i < layout.blocks.length; i++) {
    const block = layout.blocks[i];
    if (block === undefined || block.node.type.spec.marks === '') continue;
    const shown = mapping.content(block.node);
    const kept = source.blockDelta(i);
    const fixes = runFixes(mapping, block.node.type, kept, shown);
    for (const [offset, length, patch] of fixes) {
      const pos = block.flatStart + 1 + offset;
      if (pos > at) delta.push({ retain: pos - at });
      delta.push({ retain: length, attributes: patch });
      at = pos + length;
    }
  }
  return delta;
}

type Fix = readonly [offset: number, length: number, patch: AttributesPatch];

/** Per stretch of equal runs on both sides, the patch taking Accord's visible marks to the editor's. */
function runFixes(
  mapping: BlockMapping,
  parent: NodeType,
  kept: readonly TextDeltaInsert[],
  shown: readonly TextDeltaInsert[],
): Fix[] {
  if (textOf(kept) !== textOf(shown)) return [];
  const fixes: Fix[] = [];
  let k = 0;
  let s = 0;
  let kOff = 0;
  let sOff = 0;
  let offset = 0;
  while (k < kept.length && s < shown.length) {
    const kr = kept[k] as TextDeltaInsert;
    const sr = shown[s] as TextDeltaInsert;
    const length = Math.min(kr.insert.length - kOff, sr.insert.length - sOff);
    const visible = mapping.marksToAttributes(mapping.attributesToMarks(kr.attributes, parent));
    const patch = difference(visible, sr.attributes ?? {});
    if (patch !== undefined) {
      const last = fixes[fixes.length - 1];
      if (last && last[0] + last[1] === offset && canonical(last[2]) === canonical(patch)) {
        fixes[fixes.length - 1] = [last[0], last[1] + length, last[2]];
      } else fixes.push([offset, length, patch]);
    }
    offset += length;
    kOff += length;
    sOff += length;
    if (kOff === kr.insert.length) {
      k++;
      kOff = 0;
    }
    if (sOff === sr.insert.length) {
      s++;
      sOff = 0;
    }
  }
  return fixes;
}

/** The keys whose values differ, set to the editor's value (null where it has none). */
function difference(visible: Attributes, shown: Attributes): AttributesPatch | undefined {
  let patch: Record<string, unknown> | undefined;
  for (const key of new Set([...Object.keys(visible), ...Object.keys(shown)])) {
    const want = shown[key];
    if (canonical(visible[key] ?? null) === canonical(want ?? null)) continue;
    patch ??= {};
    patch[key] = want ?? null;
  }
  return patch as AttributesPatch | undefined;
}

function textOf(runs: readonly TextDeltaInsert[]): string {
  let text = '';
  for (const run of runs) text += run.insert;
  return text;
}
