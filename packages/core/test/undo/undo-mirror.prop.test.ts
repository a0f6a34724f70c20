import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkedText, deletedRanks } from '../../src/doc/undo-mirror.js';

type Change = { index: number; insert?: string; delete?: number };

/** Random valid changes against a text of length `len0`, each relative to the previous result. */
const changesArb = (len0: number): fc.Arbitrary<Change[]> =>
  fc
    .array(
      fc.tuple(fc.boolean(), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 3000 })),
      {
        maxLength: 12,
      },
    )
    .map((raw) => {
      let len = len0;
      const out: Change[] = [];
      for (const [ins, at, n] of raw) {
        if (ins) {
          const index = Math.floor(at * (len + 1));
          out.push({ index, insert: 'i'.repeat(n % 50 === 0 ? n : (n % 7) + 1) });
          len += out[out.length - 1]?.insert?.length ?? 0;
        } else if (len > 0) {
          const index = Math.min(Math.floor(at * len), len - 1);
          const del = Math.min(n % 2500 === 0 ? n : (n % 5) + 1, len - index);
          out.push({ index, delete: del });
          len -= del;
        }
      }
      return out;
    });

describe('undo mirrors (property)', () => {
  it('ChunkedText behaves like a string, and deletedRanks names exactly the original units deleted', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5000 }).chain((n) => fc.tuple(fc.constant(n), changesArb(n))),
        ([n, changes]) => {
          // Tag each original unit with its rank so the model can tell which survived.
          const original = Array.from({ length: n }, (_, i) => String.fromCharCode(0x4e00 + (i % 20000)));
          const model: (number | -1)[] = original.map((_, i) => i);
          let text = original.join('');
          const chunked = new ChunkedText(text);
          for (const ch of changes) {
            if (ch.delete !== undefined) {
              model.splice(ch.index, ch.delete);
              text = text.slice(0, ch.index) + text.slice(ch.index + ch.delete);
              chunked.delete(ch.index, ch.delete);
            }
            if (ch.insert !== undefined) {
              model.splice(ch.index, 0, ...Array.from(ch.insert, () => -1 as const));
              text = text.slice(0, ch.index) + ch.insert + text.slice(ch.index);
              chunked.insert(ch.index, ch.insert);
            }
            expect(chunked.length).toBe(text.length);
          }
          expect(chunked.slice(0, chunked.length)).toBe(text);
          const a = Math.floor(text.length / 3);
          expect(chunked.slice(a, a + 1500)).toBe(text.slice(a, a + 1500));
          const survivors = new Set(model.filter((r) => r >= 0));
          const expected: number[] = [];
          for (let r = 0; r < n; r++) if (!survivors.has(r)) expected.push(r);
          const ranges = deletedRanks(n, changes);
          const got: number[] = [];
          for (let i = 0; i < ranges.length; i += 2)
            for (let k = 0; k < (ranges[i + 1] as number); k++) got.push((ranges[i] as number) + k);
          expect(got).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
