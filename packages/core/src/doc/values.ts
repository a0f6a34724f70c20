/**
 * Plain values stored in maps and lists: JSON scalars, and JSON arrays and objects stored as
 * immutable wholes (use nested containers for data edited concurrently).
 */
import { AccordError } from '../errors.js';
import { Container } from './container.js';

/** Deepest JSON nesting accepted in a stored value. */
export const MAX_VALUE_DEPTH = 32;

/**
 * Check that `v` is JSON data: null, boolean, finite number, string, array or plain object of
 * those, at most {@link MAX_VALUE_DEPTH} deep.
 * @throws {AccordError} `invalid-argument` otherwise (containers must be inserted with the
 * `insertMap`/`setText`... methods).
 */
export function assertJsonValue(v: unknown, depth = 0): void {
  if (depth > MAX_VALUE_DEPTH) throw new AccordError('invalid-argument', 'value nested too deeply');
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new AccordError('invalid-argument', 'numbers must be finite');
    return;
  }
  if (Array.isArray(v)) {
    for (const x of v) assertJsonValue(x, depth + 1);
    return;
  }
  if (typeof v === 'object' && !(v instanceof Container) && Object.getPrototypeOf(v) === Object.prototype) {
    for (const x of Object.values(v as Record<string, unknown>)) assertJsonValue(x, depth + 1);
    return;
  }
  throw new AccordError('invalid-argument', `not a JSON value: ${String(v)}`);
}

/** A stored value as JSON (containers become their content). */
export function valueToJSON(v: unknown): unknown {
  return v instanceof Container ? v.toJSON() : v;
}

/**
 * Check an integer argument; returns it as V8 keeps small integers (a "Smi"). A position an
 * application computed with floating-point arithmetic (`Math.floor(x * n)`) can arrive as a heap
 * number; the clocks derived from it (a run split at that offset) would be heap numbers too, and
 * one of them stored in an item turns that field into a boxed double field for every item.
 * @throws {AccordError} `out-of-range` unless `min <= n <= max` and `n` is an integer.
 */
export function checkIndex(n: number, min: number, max: number, what: string): number {
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new AccordError('out-of-range', `${what} ${n} is outside ${min}..${max}`);
  }
  return n >= -0x80000000 && n <= 0x7fffffff ? n | 0 : n;
}
