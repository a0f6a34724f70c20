/**
 * `Blocks.applyFlatDelta`'s walk over a checked flat delta: each op becomes the `Blocks` edit it
 * stands for, inside the caller's transaction.
 */

import { AccordError } from '../errors.js';
import type { BlocksDelta, BlocksInsertText } from './blocks-delta.js';
import type { LaidBlock, Layout } from './blocks-laid.js';
import { blockIndexAt } from './blocks-positions.js';
import { DEFAULT_TYPE } from './blocks-units.js';
import type { AttributesPatch, TextDeltaInsert } from './text-delta.js';

/** The edits of a `Blocks` that a flat delta is made of. @internal */
export interface FlatTarget {
  readonly length: number;
  layout(): Layout;
  deleteRange(flatIndex: number, length: number): void;
  insertText(flatIndex: number, text: string, attributes?: AttributesPatch): void;
  insertBlock(
    blockIndex: number,
    type: string,
    attrs?: Record<string, unknown>,
    content?: TextDeltaInsert[],
  ): string;
  split(flatIndex: number, type?: string, attrs?: Record<string, unknown>): string;
  setBlock(blockIndex: number, type?: string, attrs?: AttributesPatch): void;
  format(flatIndex: number, length: number, attributes: AttributesPatch): void;
}

/** Apply `delta` (already checked against `target`) to `target`, op by op. @internal */
export function applyFlatOps(target: FlatTarget, delta: BlocksDelta): void {
  let pos = 0;
  for (let i = 0; i < delta.length; i++) {
    const op = delta[i] as BlocksDelta[number];
    const next = delta[i + 1];
    if ('delete' in op) target.deleteRange(pos, op.delete);
    else if (
      pos === 0 &&
      'insert' in op &&
      typeof op.insert !== 'string' &&
      target.length === 0 &&
      op.insert.block.type === DEFAULT_TYPE &&
      Object.values(op.insert.block.attrs ?? {}).every((v) => v === null) &&
      next !== undefined &&
      'insert' in next &&
      typeof next.insert === 'string' &&
      next.insert.length > 0
    )
      pos += 1;
    else if ('insert' in op) {
      if (typeof op.insert === 'string') {
        target.insertText(pos, op.insert, (op as BlocksInsertText).attributes ?? {});
        pos += op.insert.length;
      } else {
        const spec = op.insert.block;
        const l = target.layout();
        const k = pos === 0 ? -1 : blockIndexAt(l, pos - 1);
        const b = l.blocks[k];
        if (b === undefined || pos - 1 - b.start === b.length) {
          // A new block after a whole one: the text inserted right after it is its content,
          // written with it (one layout, not one per run of text).
          const content: TextDeltaInsert[] = [];
          for (
            let n = delta[i + 1];
            n !== undefined && 'insert' in n && typeof n.insert === 'string';
            n = delta[i + 1]
          ) {
            content.push(n as BlocksInsertText);
            pos += n.insert.length;
            i++;
          }
          target.insertBlock(k + 1, spec.type, { ...spec.attrs }, content);
        } else target.split(pos, spec.type, { ...spec.attrs });
        pos += 1;
      }
    } else if ('block' in op) {
      const l = target.layout();
      const k = blockIndexAt(l, pos);
      if ((l.blocks[k] as LaidBlock).start !== pos)
        throw new AccordError('invalid-argument', `no block boundary at ${pos}`);
      target.setBlock(k, op.block.type, op.block.attrs);
      pos += 1;
    } else {
      if (op.attributes !== undefined) target.format(pos, op.retain, op.attributes);
      pos += op.retain;
    }
  }
}
