import { GSet, stringCodec } from '@accord/core/crdts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gSetHarness, histories, seenOps } from './arbitraries.js';
import { describeStateLaws } from './laws.js';

describeStateLaws(gSetHarness);

describe('GSet semantics', () => {
  it('every replica holds exactly the elements added in ops it has seen', () => {
    fc.assert(
      fc.property(histories(gSetHarness, 3, 40), (hist) => {
        hist.states.forEach((s, i) => {
          const expected = [...new Set(seenOps(hist, i).map((o) => o.op))].sort();
          expect(s.value()).toEqual(expected);
          for (const v of expected) expect(s.has(v)).toBe(true);
          expect(s.size).toBe(expected.length);
        });
      }),
    );
  });

  it('adding a present element changes nothing', () => {
    const s = new GSet(stringCodec);
    expect(s.add('x')).toBe(true);
    const before = s.encode();
    expect(s.add('x')).toBe(false);
    expect(s.encode()).toEqual(before);
  });
});
