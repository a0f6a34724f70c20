/**
 * Values a document holds are immutable wholes (`doc/values.ts`): arrays and objects stored in maps,
 * lists and marks are frozen all the way down. Otherwise a caller who keeps changing an object after
 * storing it, or a reader who changes one that `get` returned, would change this replica's state
 * without an update, and it would differ from every other replica's for good. A value written is
 * copied and frozen once; values the document already holds (read back and written again, or
 * decoded from an update, which freezes as it reads) are kept as they are.
 */

import { setOwn } from '../own-keys.js';

/** Arrays and objects a document holds (frozen all the way down). */
const held = new WeakSet<object>();

/**
 * `v` (JSON data, already checked) as a document holds it: `v` itself when it is a scalar or a value
 * the document holds, else a copy frozen all the way down.
 */
export function heldValue(v: unknown): unknown {
  if (typeof v !== 'object' || v === null || held.has(v)) return v;
  const copy = frozenCopy(v);
  held.add(copy);
  return copy;
}

/** Note `v`, decoded frozen (`TaggedValueCodec` with `freeze`), as a value a document holds. */
export function noteHeld(v: unknown): void {
  if (typeof v === 'object' && v !== null && Object.isFrozen(v)) held.add(v);
}

/** A copy of JSON array or object `v` (checked), frozen all the way down; held parts shared. */
function frozenCopy(v: object): object {
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (let i = 0; i < v.length; i++) out.push(child(v[i]));
    return Object.freeze(out);
  }
  const src = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  // A name Object.prototype has (`__proto__`) stays an own data property, as the decoder makes it.
  for (const k of Object.keys(src)) setOwn(out, k, child(src[k]));
  return Object.freeze(out);
}

function child(x: unknown): unknown {
  return typeof x !== 'object' || x === null || held.has(x) ? x : frozenCopy(x);
}
