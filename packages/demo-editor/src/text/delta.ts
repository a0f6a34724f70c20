/**
 * Text deltas in the Quill/Yjs shape (`retain`, `insert`, `delete`), and the position arithmetic
 * the editor needs to keep carets and selections on their characters when a change lands.
 */

/** One step of a delta: keep, add or remove characters (UTF-16 code units). */
export type DeltaOp = { readonly retain: number } | { readonly insert: string } | { readonly delete: number };

/** A change to a string, read left to right; trailing unchanged text may be omitted. */
export type Delta = readonly DeltaOp[];

/**
 * Which side a position sticks to when text is inserted exactly at it: `'left'` stays before the
 * insertion (attached to the character on its left, the right choice for a caret you type at, so
 * your next keystroke follows your own text), `'right'` moves past it.
 */
export type Assoc = 'left' | 'right';

/**
 * Where `position` (in the text before the change) ends up after `delta`. A position inside a
 * deleted range moves to the start of the deletion.
 */
export function mapPosition(position: number, delta: Delta, assoc: Assoc = 'left'): number {
  let oldIndex = 0;
  let shift = 0;
  for (const op of delta) {
    if (oldIndex > position) break;
    if ('retain' in op) {
      oldIndex += op.retain;
    } else if ('insert' in op) {
      if (oldIndex < position || (oldIndex === position && assoc === 'right')) shift += op.insert.length;
    } else {
      const end = oldIndex + op.delete;
      if (end <= position) shift -= op.delete;
      else if (oldIndex < position) shift -= position - oldIndex;
      oldIndex = end;
    }
  }
  return position + shift;
}

/**
 * Map a selection through `delta`. The moving end (head) sticks left so typing continues after
 * your own text; a range does not grow when text is inserted at its edges.
 */
export function mapSelection(
  start: number,
  end: number,
  delta: Delta,
): { readonly start: number; readonly end: number } {
  if (start === end) {
    const at = mapPosition(start, delta, 'left');
    return { start: at, end: at };
  }
  const newStart = mapPosition(start, delta, 'right');
  const newEnd = Math.max(newStart, mapPosition(end, delta, 'left'));
  return { start: newStart, end: newEnd };
}

/** Apply `delta` to `text`. Throws `RangeError` when the delta reaches past the end of `text`. */
export function applyDelta(text: string, delta: Delta): string {
  let out = '';
  let index = 0;
  for (const op of delta) {
    if ('retain' in op) {
      if (index + op.retain > text.length) throw new RangeError('delta retains past the end of the text');
      out += text.slice(index, index + op.retain);
      index += op.retain;
    } else if ('insert' in op) {
      out += op.insert;
    } else {
      if (index + op.delete > text.length) throw new RangeError('delta deletes past the end of the text');
      index += op.delete;
    }
  }
  return out + text.slice(index);
}

/** The single-range change `delete deleteCount at index, then insert` as a delta. */
export function spliceDelta(index: number, deleteCount: number, insert: string): Delta {
  const ops: DeltaOp[] = [];
  if (index > 0) ops.push({ retain: index });
  if (deleteCount > 0) ops.push({ delete: deleteCount });
  if (insert.length > 0) ops.push({ insert });
  return ops;
}
