/** Checking a rich-text delta before `Text.applyDelta` applies any of it. */
import { AccordError } from '../errors.js';
import { checkAttributes } from './attribute-values.js';
import type { TextDelta } from './text-delta.js';

/**
 * Check `delta` against a text of `length` units before anything is applied.
 * @throws {AccordError} `invalid-argument` for an operation that is not exactly one of `insert`
 * (a string), `retain` or `delete` (positive integers), or for bad attributes; `out-of-range` when
 * a retain or delete runs past the end of the text.
 */
export function checkDelta(delta: unknown, length: number): asserts delta is TextDelta {
  if (!Array.isArray(delta)) throw new AccordError('invalid-argument', 'a delta is an array of operations');
  let pos = 0;
  let len = length;
  for (const op of delta as unknown[]) {
    if (typeof op !== 'object' || op === null)
      throw new AccordError('invalid-argument', 'bad delta operation');
    const o = op as Record<string, unknown>;
    const kinds = ['insert', 'retain', 'delete'].filter((k) => k in o);
    if (kinds.length !== 1)
      throw new AccordError('invalid-argument', 'a delta operation needs one of insert, retain, delete');
    if (o.attributes !== undefined) checkAttributes(o.attributes);
    if ('insert' in o) {
      if (typeof o.insert !== 'string')
        throw new AccordError('invalid-argument', 'only text can be inserted');
      pos += o.insert.length;
      len += o.insert.length;
      continue;
    }
    const n = 'retain' in o ? o.retain : o.delete;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1)
      throw new AccordError('invalid-argument', 'retain and delete take a positive integer');
    if ('delete' in o && o.attributes !== undefined)
      throw new AccordError('invalid-argument', 'a delete has no attributes');
    if (pos + n > len) throw new AccordError('out-of-range', 'the delta runs past the end of the text');
    if ('retain' in o) pos += n;
    else len -= n;
  }
}
