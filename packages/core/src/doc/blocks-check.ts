/**
 * Argument checks of `Blocks`: block types and attributes, inline attributes (block keys are
 * reserved), characters (boundary and slot units are reserved) and flat deltas.
 */
import { AccordError } from '../errors.js';
import { checkAttributes } from './attribute-values.js';
import type { BlocksDelta, BlocksDeltaOp, BlocksInsertText } from './blocks-delta.js';
import { isBlockKey, MARKER, SLOT } from './blocks-units.js';
import { MAX_MARK_KEY } from './marks.js';
import type { AttributesPatch, TextDeltaInsert } from './text-delta.js';

export function checkType(type: unknown): asserts type is string {
  if (typeof type !== 'string' || type.length === 0 || type.length > MAX_MARK_KEY)
    throw new AccordError('invalid-argument', `a block type is a string of 1..${MAX_MARK_KEY} characters`);
}

export function checkBlockAttrs(attrs: unknown): asserts attrs is Record<string, unknown> {
  checkAttributes(attrs);
  for (const k of Object.keys(attrs))
    if (k.length >= MAX_MARK_KEY)
      throw new AccordError(
        'invalid-argument',
        `block attribute names have 1..${MAX_MARK_KEY - 1} characters`,
      );
}

export function checkInline(attrs: unknown): asserts attrs is AttributesPatch {
  checkAttributes(attrs);
  for (const k of Object.keys(attrs))
    if (isBlockKey(k))
      throw new AccordError(
        'invalid-argument',
        'attribute names starting with U+0000 or U+0001 are reserved',
      );
}

/** Check that `s` holds no boundary or slot unit (U+FDD0, U+FDD1). */
export function checkChars(s: string): void {
  if (s.includes(MARKER) || s.includes(SLOT))
    throw new AccordError('invalid-argument', 'U+FDD0 and U+FDD1 are reserved for block boundaries');
}

/** Check a block's content: inserts of strings, without reserved characters or attribute names. */
export function checkContent(content: readonly TextDeltaInsert[]): void {
  for (const op of content) {
    if (typeof op !== 'object' || op === null || typeof op.insert !== 'string')
      throw new AccordError('invalid-argument', 'content must be inserts of strings');
    checkChars(op.insert);
    if (op.attributes !== undefined) checkInline(op.attributes);
  }
}

/** Check a flat delta's shape and that it stays within `length` units. */
export function checkFlatDelta(delta: unknown, length: number): asserts delta is BlocksDelta {
  if (!Array.isArray(delta)) throw new AccordError('invalid-argument', 'a delta is an array');
  let pos = 0;
  const bad = (why: string): never => {
    throw new AccordError('invalid-argument', `bad delta op: ${why}`);
  };
  for (const raw of delta as unknown[]) {
    if (typeof raw !== 'object' || raw === null) bad('not an object');
    const op = raw as BlocksDeltaOp;
    if ('delete' in op) {
      if (!Number.isInteger(op.delete) || op.delete < 0) bad('delete');
      pos += op.delete;
    } else if ('insert' in op) {
      if (typeof op.insert === 'string') {
        checkChars(op.insert);
        const attrs = (op as BlocksInsertText).attributes;
        if (attrs !== undefined) checkInline(attrs);
      } else {
        const b = (op.insert as { block?: unknown }).block as { type?: unknown; attrs?: unknown } | undefined;
        if (typeof b !== 'object' || b === null) bad('insert');
        checkType((b as { type: unknown }).type);
        checkBlockAttrs((b as { attrs: unknown }).attrs ?? {});
      }
    } else if ('retain' in op) {
      if (!Number.isInteger(op.retain) || op.retain < 0) bad('retain');
      if ('block' in op) {
        if (op.retain !== 1 || typeof op.block !== 'object' || op.block === null) bad('block retain');
        if (op.block.type !== undefined) checkType(op.block.type);
        if (op.block.attrs !== undefined) checkBlockAttrs(op.block.attrs);
      } else if (op.attributes !== undefined) checkInline(op.attributes);
      pos += op.retain;
    } else bad('unknown op');
    if (pos > length) throw new AccordError('out-of-range', 'the delta runs past the end');
  }
}
