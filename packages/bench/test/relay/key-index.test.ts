import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyIndex } from '../../src/relay/key-index.js';

describe('KeyIndex', () => {
  it('agrees with a Map on any sequence of sets and gets', () => {
    // Keys from a small pool (so sets repeat keys and gets hit) and anywhere in the safe range.
    const key = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.maxSafeNat(), fc.constant(2 ** 52 + 1));
    const op = fc.oneof(
      fc.record({ set: key, index: fc.integer({ min: 0, max: 2 ** 31 - 2 }) }),
      fc.record({ get: key }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const index = new KeyIndex(300);
        const model = new Map<number, number>();
        for (const o of ops) {
          if ('set' in o) {
            index.set(o.set, o.index);
            model.set(o.set, o.index);
          } else expect(index.get(o.get)).toBe(model.get(o.get) ?? -1);
          expect(index.size).toBe(model.size);
        }
        for (const [k, v] of model) expect(index.get(k)).toBe(v);
      }),
      { numRuns: 300 },
    );
  });

  it('holds keys that share their low bits and keys 2^32 apart', () => {
    const index = new KeyIndex(64);
    for (let i = 0; i < 32; i++) index.set(i * 2 ** 32 + 7, i);
    for (let i = 0; i < 32; i++) index.set(i * 2 ** 20, 100 + i);
    for (let i = 0; i < 32; i++) {
      expect(index.get(i * 2 ** 32 + 7)).toBe(i);
      expect(index.get(i * 2 ** 20)).toBe(100 + i);
    }
    expect(index.get(32 * 2 ** 32 + 7)).toBe(-1);
    expect(index.size).toBe(64);
  });

  it('refuses a new key beyond its capacity, but replaces a held one', () => {
    const index = new KeyIndex(2);
    index.set(1, 10);
    index.set(2, 20);
    expect(() => index.set(3, 30)).toThrow(RangeError);
    index.set(2, 21);
    expect(index.get(2)).toBe(21);
    expect(index.get(3)).toBe(-1);
  });

  it('refuses keys, indexes and capacities it cannot hold, and answers -1 for any other lookup', () => {
    expect(() => new KeyIndex(-1)).toThrow(RangeError);
    expect(() => new KeyIndex(2 ** 29)).toThrow(RangeError);
    const index = new KeyIndex(4);
    for (const bad of [-1, 0.5, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => index.set(bad, 0)).toThrow(RangeError);
    for (const bad of [-1, 0.5, 2 ** 31 - 1]) expect(() => index.set(1, bad)).toThrow(RangeError);
    for (const bad of [-1, 0.5, 2 ** 53, Number.NaN]) expect(KeyIndex.holds(bad)).toBe(false);
    expect(KeyIndex.holds(2 ** 53 - 1)).toBe(true);
    index.set(0, 0);
    for (const other of [-1, 0.5, Number.NaN, 2 ** 60]) expect(index.get(other)).toBe(-1);
    expect(index.get(0)).toBe(0);
  });
});
