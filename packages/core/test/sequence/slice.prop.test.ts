/**
 * `Sequence.slice` on a text reads only the items holding the range; it must give exactly the
 * visible text's substring, across leaves, tombstones and runs of several replicas.
 */
import { applyUpdate, Doc, encodeStateAsUpdate } from '@accord/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

describe('Sequence.slice (text)', () => {
  it('equals the substring of the visible text for every range (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.boolean(), fc.nat(10_000), fc.string({ minLength: 1, maxLength: 30 }), fc.nat(40)),
          {
            minLength: 1,
            maxLength: 120,
          },
        ),
        fc.array(fc.tuple(fc.nat(10_000), fc.nat(400)), { minLength: 1, maxLength: 30 }),
        (edits, ranges) => {
          const a = new Doc({ clientId: 1 });
          const b = new Doc({ clientId: 2 });
          for (const [other, at, s, del] of edits) {
            const t = (other ? b : a).getText('t');
            t.insert(at % (t.length + 1), s);
            const from = (at * 7) % (t.length + 1);
            t.delete(from, Math.min(del, t.length - from));
            if (at % 5 === 0) applyUpdate(other ? a : b, encodeStateAsUpdate(other ? b : a));
          }
          applyUpdate(a, encodeStateAsUpdate(b));
          const text = a.getText('t');
          const all = text.toString();
          for (const [x, n] of ranges) {
            const from = x % (all.length + 1);
            const to = Math.min(all.length, from + n);
            expect(text.seq.slice(from, to)).toBe(all.slice(from, to));
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
