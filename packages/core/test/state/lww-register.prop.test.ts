import { compareTimestamps, LWWRegister, stringCodec, type Timestamp } from '@accord/core/crdts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { histories, lwwRegisterHarness, seenOps } from './arbitraries.js';
import { describeStateLaws } from './laws.js';

describeStateLaws(lwwRegisterHarness);

const HOUR = 3_600_000;

describe('LWWRegister semantics', () => {
  it('every replica holds the seen write with the greatest timestamp, and later writes have greater ones', () => {
    // Replica 1's wall clock runs an hour behind (see SKEWS), replica 2's 5 s ahead.
    fc.assert(
      fc.property(histories(lwwRegisterHarness, 3, 40), (hist) => {
        for (const w of hist.ops) {
          for (const p of hist.ops) {
            if (w.past.has(p.id)) expect(compareTimestamps(w.info as Timestamp, p.info as Timestamp)).toBe(1);
          }
        }
        hist.states.forEach((s, i) => {
          const seen = seenOps(hist, i);
          let best: (typeof seen)[number] | undefined;
          for (const w of seen) {
            if (!best || compareTimestamps(w.info as Timestamp, best.info as Timestamp) > 0) best = w;
          }
          expect(s.value()).toBe(best?.op.v);
          expect(s.timestamp).toEqual(best?.info);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('a write made after seeing another wins even when its wall clock runs an hour behind', () => {
    let t = 1_700_000_000_000;
    const fast = new LWWRegister(1, stringCodec, { now: () => t });
    const slow = new LWWRegister(2, stringCodec, { now: () => t - HOUR });
    fast.set('first');
    t += 10;
    slow.merge(fast);
    slow.set('second'); // physically an hour "earlier", causally later
    fast.merge(slow);
    expect(fast.value()).toBe('second');
    expect(slow.value()).toBe('second');
    // Also after a round trip through the encoding (the decoded clock observes the timestamp).
    const restored = LWWRegister.decode(fast.encode(), 2, stringCodec, { now: () => t - HOUR });
    restored.set('third');
    fast.merge(restored);
    expect(fast.value()).toBe('third');
  });

  it('between truly concurrent writes the greater timestamp wins everywhere, replica id breaking ties', () => {
    const t = 1_700_000_000_000;
    const a = new LWWRegister(9, stringCodec, { now: () => t });
    const b = new LWWRegister(4, stringCodec, { now: () => t });
    a.set('from 9');
    b.set('from 4');
    const a2 = a.clone();
    a.merge(b);
    b.merge(a2);
    expect(a.value()).toBe('from 9');
    expect(b.value()).toBe('from 9');
    expect(new LWWRegister(1, stringCodec).value()).toBeUndefined();
  });
});
