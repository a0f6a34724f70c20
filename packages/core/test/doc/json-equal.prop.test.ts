/**
 * `jsonEqual` (used to tell whether an insert's attributes differ from those its text has) says
 * exactly what comparing canonical JSON says: equal values with keys in any order, different
 * values, arrays against objects, nested.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, jsonEqual } from '../../src/doc/attribute-values.js';

/** A copy of `v` with every object's keys in reverse order (equal as JSON). */
function reordered(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reordered);
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .reverse()
        .map((k) => [k, reordered(o[k])]),
    );
  }
  return v;
}

// Small values, so that unequal pairs often differ in one place only.
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, true, false, 0, -0, 1, 'a', 'b', ''),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'c', '0'), tie('value'), { maxKeys: 3 }),
  ),
})).value;

describe('jsonEqual (property)', () => {
  it('agrees with canonical JSON on any two values', () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        expect(jsonEqual(a, b)).toBe(canonicalJson(a) === canonicalJson(b));
      }),
      { numRuns: 2000 },
    );
  });

  it('finds a value equal to its copy with keys reordered, and both ways alike', () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        expect(jsonEqual(a, reordered(a))).toBe(true);
        expect(jsonEqual(b, a)).toBe(jsonEqual(a, b));
      }),
      { numRuns: 1000 },
    );
  });
});
