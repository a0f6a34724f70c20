import { SeededRandom, tracePatchesToUtf16 } from '@accord/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

type Patch = readonly [number, number, string];
const CHARS = ['a', 'b', 'é', '漢', '😀', '🎉', '𝄞', ' '];

/** Apply splice patches counted in code points to an array of code points. */
function applyCodepoints(doc: string[], [pos, del, ins]: Patch): void {
  doc.splice(pos, del, ...Array.from(ins));
}

/** Apply splice patches counted in UTF-16 units to a string. */
function applyUtf16(s: string, [pos, del, ins]: Patch): string {
  return s.slice(0, pos) + ins + s.slice(pos + del);
}

describe('tracePatchesToUtf16', () => {
  it('replays to the same text as the code-point model, whatever the mix of astral characters (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 80 }), (seed, n) => {
        const rnd = new SeededRandom(seed);
        const start = Array.from({ length: rnd.int(6) }, () => CHARS[rnd.int(CHARS.length)] as string).join(
          '',
        );
        const model = Array.from(start);
        const txns: Patch[][] = [];
        for (let t = 0; t < n; t++) {
          const patches: Patch[] = [];
          for (let k = 0, m = 1 + rnd.int(3); k < m; k++) {
            const pos = rnd.int(model.length + 1);
            const del = rnd.int(Math.min(3, model.length - pos) + 1);
            const ins = Array.from({ length: rnd.int(4) }, () => CHARS[rnd.int(CHARS.length)] as string).join(
              '',
            );
            const p: Patch = [pos, del, ins];
            applyCodepoints(model, p);
            patches.push(p);
          }
          txns.push(patches);
        }
        let s = start;
        for (const t of tracePatchesToUtf16(start, txns)) for (const p of t) s = applyUtf16(s, p);
        expect(s).toBe(model.join(''));
      }),
      { numRuns: 300 },
    );
  });

  it('returns the input unchanged when no text holds an astral character', () => {
    const txns: Patch[][] = [[[0, 0, 'héllo 漢字']], [[2, 1, '']]];
    expect(tracePatchesToUtf16('', txns)).toBe(txns);
  });

  it('shifts positions after an emoji by one unit each', () => {
    const out = tracePatchesToUtf16('😀x', [[[1, 1, 'y']], [[0, 1, '']], [[1, 0, 'z']]]);
    expect(out).toEqual([[[2, 1, 'y']], [[0, 2, '']], [[1, 0, 'z']]]);
  });
});
