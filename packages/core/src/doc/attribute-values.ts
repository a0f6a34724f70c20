/**
 * Attribute values of rich text: checking an attributes argument (names and JSON values), and
 * comparing JSON values as the marks do (`canonicalJson`, `jsonEqual`: object keys in any order).
 */

import { AccordError } from '../errors.js';
import { setOwn } from '../own-keys.js';
import type { Attributes, AttributesPatch } from './text-delta.js';
import { assertJsonValue } from './values.js';

/** Longest attribute name accepted (UTF-16 code units). */
export const MAX_MARK_KEY = 1024;

/** JSON with object keys sorted, so equal values give equal strings. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * Whether two JSON values are equal as {@link canonicalJson} compares them (object keys in any
 * order), without building the strings.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x);
  if (keys.length !== Object.keys(y).length) return false;
  for (const k of keys) if (!Object.hasOwn(y, k) || !jsonEqual(x[k], y[k])) return false;
  return true;
}

/**
 * Check an attributes argument: a plain object whose values are JSON values (`null` allowed),
 * names non-empty and at most {@link MAX_MARK_KEY} long. Keys whose value is `undefined` are
 * ignored.
 * @throws {AccordError} `invalid-argument` otherwise.
 */
export function checkAttributes(attributes: unknown): asserts attributes is AttributesPatch {
  checkAttributesAgainst(attributes, null, 0);
}

/**
 * {@link checkAttributes}, and in the same pass over the names whether `attributes` gives a unit
 * exactly `exact` (`count` names; names with `null` or `undefined` values: absent), values
 * compared as JSON ({@link jsonEqual}); false when `exact` is null. One pass instead of a check
 * then a comparison: text typed on with explicit attributes (an editor passes the caret's
 * formatting with every keystroke) pays for one walk of the names.
 * @throws {AccordError} `invalid-argument` as {@link checkAttributes}.
 */
export function checkAttributesAgainst(
  attributes: unknown,
  exact: Attributes | null,
  count: number,
): boolean {
  if (
    typeof attributes !== 'object' ||
    attributes === null ||
    Array.isArray(attributes) ||
    Object.getPrototypeOf(attributes) !== Object.prototype
  )
    throw new AccordError('invalid-argument', 'attributes must be a plain object');
  const attrs = attributes as Record<string, unknown>;
  const keys = Object.keys(attrs);
  let same = exact !== null;
  let named = 0;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    if (k.length === 0 || k.length > MAX_MARK_KEY)
      throw new AccordError('invalid-argument', `attribute names must have 1..${MAX_MARK_KEY} characters`);
    const v = attrs[k];
    if (v === undefined) continue;
    if (v === null) {
      if (same && Object.hasOwn(exact as Attributes, k)) same = false;
      continue;
    }
    // The usual values (`true`, a string) need no walk.
    if (v !== true && typeof v !== 'string') assertJsonValue(v);
    if (same) {
      named++;
      if (!Object.hasOwn(exact as Attributes, k) || !jsonEqual(v, (exact as Attributes)[k])) same = false;
    }
  }
  return same && named === count;
}

/** The names of `attributes`, sorted: the default order of {@link attributesPatch}. */
function sortedNames(attributes: Attributes): string[] {
  return Object.keys(attributes).sort();
}

/**
 * The patch turning attributes `before` into `after` (changed or added names first, then removed
 * ones as `null`), or null when they are equal; values compared as JSON. Each group lists its
 * names in the order `namesOf` gives them: sorted by default, `Object.keys` for their own order.
 */
export function attributesPatch(
  before: Attributes | null,
  after: Attributes | null,
  namesOf: (attributes: Attributes) => string[] = sortedNames,
): AttributesPatch | null {
  let patch: AttributesPatch | null = null;
  if (after !== null) {
    for (const key of namesOf(after)) {
      const value = after[key];
      if (
        before !== null &&
        Object.hasOwn(before, key) &&
        canonicalJson(before[key]) === canonicalJson(value)
      )
        continue;
      patch ??= {};
      setOwn(patch, key, value);
    }
  }
  if (before !== null) {
    for (const key of namesOf(before)) {
      if (after !== null && Object.hasOwn(after, key)) continue;
      patch ??= {};
      setOwn(patch, key, null);
    }
  }
  return patch;
}
