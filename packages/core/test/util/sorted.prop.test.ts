/**
 * `sortByKey`, `sortByKeys` and `sortByClock` (`sorted.ts`), which the mark index, the marks sweep, the snapshot loads and the
 * order check use: the same order as a stable comparator sort, on the packed path (integer keys
 * below 2^31) and on the comparator path (larger or fractional keys).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lowerBound, sortByClock, sortByKey, sortByKeys } from '../../src/sorted.js';

/** The reference: items sorted by key with a stable comparator sort. */
function reference(items: readonly number[], key: (item: number) => number): number[] {
  return items
    .map((item, at) => ({ item, at }))
    .sort((a, b) => key(a.item) - key(b.item) || a.at - b.at)
    .map((x) => x.item);
}

describe('sortByKey', () => {
  it('orders items by key, ties in input order, whatever the keys', () => {
    const keySet = fc.oneof(
      fc.array(fc.nat(20), { maxLength: 300 }),
      fc.array(fc.nat(2 ** 31 - 1), { maxLength: 300 }),
      fc.array(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), { maxLength: 300 }),
      fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { maxLength: 300 }),
    );
    fc.assert(
      fc.property(keySet, (keys) => {
        const items = Int32Array.from(keys.map((_, i) => keys.length - 1 - i));
        const key = (item: number): number => keys[item] as number;
        const want = reference(Array.from(items), key);
        expect(Array.from(sortByKey(items, key))).toEqual(want);
        // The same with the keys given beside the items (keys[k] is the key of items[k]).
        const beside = Float64Array.from(items, (item) => keys[item] as number);
        expect(Array.from(sortByKeys(items, beside))).toEqual(want);
        // The same with the keys as the clocks of what the items index.
        const structs = keys.map((clock) => ({ clock }));
        expect(Array.from(sortByClock(Array.from(items), structs))).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });

  it('lowerBound finds the first element not below x in a sorted array', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 50 })), fc.integer({ min: -60, max: 60 }), (xs, x) => {
        const a = xs.slice().sort((p, q) => p - q);
        const i = lowerBound(a, x);
        expect(i === a.length || (a[i] as number) >= x).toBe(true);
        expect(i === 0 || (a[i - 1] as number) < x).toBe(true);
      }),
    );
  });
});
