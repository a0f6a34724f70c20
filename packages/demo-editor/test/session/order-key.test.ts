import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isOrderKey, keyBetween } from '../../src/model/order-key.js';

describe('keyBetween', () => {
  it('always lands strictly between its neighbours, with valid keys (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { minLength: 1, maxLength: 300 }), (picks) => {
        const keys: string[] = [];
        for (const p of picks) {
          const at = p % (keys.length + 1);
          const key = keyBetween(keys[at - 1] ?? null, keys[at] ?? null);
          expect(isOrderKey(key)).toBe(true);
          if (at > 0) expect(key > (keys[at - 1] as string)).toBe(true);
          if (at < keys.length) expect(key < (keys[at] as string)).toBe(true);
          keys.splice(at, 0, key);
        }
        expect([...keys].sort()).toEqual(keys);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps keys short when appending or prepending repeatedly', () => {
    let last: string | null = null;
    for (let i = 0; i < 1000; i++) {
      const next = keyBetween(last, null);
      expect(last === null || next > last).toBe(true);
      last = next;
    }
    expect((last as string).length).toBeLessThanOrEqual(20);
    let first: string | null = null;
    for (let i = 0; i < 1000; i++) {
      const next = keyBetween(null, first);
      expect(first === null || next < first).toBe(true);
      expect(isOrderKey(next)).toBe(true);
      first = next;
    }
    expect((first as string).length).toBeLessThanOrEqual(20);
  });

  it('places after the lower key when the two are equal or out of order', () => {
    const k = keyBetween('V', 'V');
    expect(k > 'V').toBe(true);
    expect(keyBetween('c', 'b') > 'c').toBe(true);
  });

  it('rejects malformed keys from remote data', () => {
    for (const bad of ['', 'a0', 'a-b', 42, null, 'x'.repeat(2000)]) expect(isOrderKey(bad)).toBe(false);
    expect(isOrderKey('V5')).toBe(true);
  });
});
