import { compareTimestamps, LWWMap, numberCodec, type Timestamp } from '@accord/core/crdts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AccordError } from '../../src/errors.js';
import { histories, lwwMapHarness, seenOps } from './arbitraries.js';
import { describeStateLaws } from './laws.js';

describeStateLaws(lwwMapHarness);

describe('LWWMap semantics', () => {
  it('per key, every replica holds the seen write (set or delete) with the greatest timestamp', () => {
    fc.assert(
      fc.property(histories(lwwMapHarness, 3, 40), (hist) => {
        // Replica 1's wall clock runs an hour behind: a write made after seeing another still wins.
        for (const w of hist.ops) {
          for (const p of hist.ops) {
            if (w.info && p.info && w.past.has(p.id)) {
              expect(compareTimestamps(w.info as Timestamp, p.info as Timestamp)).toBe(1);
            }
          }
        }
        hist.states.forEach((s, i) => {
          const best = new Map<string, { ts: Timestamp; v: number | undefined }>();
          for (const w of seenOps(hist, i)) {
            const ts = w.info as Timestamp | undefined;
            if (!ts) continue;
            const cur = best.get(w.op.k);
            if (!cur || compareTimestamps(ts, cur.ts) > 0) best.set(w.op.k, { ts, v: w.op.v });
          }
          const expected = new Map<string, number>();
          for (const k of [...best.keys()].sort()) {
            const b = best.get(k);
            if (b?.v !== undefined) expected.set(k, b.v);
          }
          expect(s.value()).toEqual(expected);
          expect(s.size).toBe(expected.size);
          for (const [k, v] of expected) expect(s.get(k)).toBe(v);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('resolves a set and a concurrent delete by timestamp, and keeps keys independent', () => {
    let t = 1_700_000_000_000;
    const a = new LWWMap(1, numberCodec, { now: () => t });
    const b = new LWWMap(2, numberCodec, { now: () => t - 3_600_000 });
    a.set('k', 1);
    a.set('other', 5);
    b.merge(a);
    t += 5;
    b.delete('k'); // causally after a's set despite b's slow clock: the delete wins
    a.set('k2', 2);
    a.merge(b);
    b.merge(a);
    expect([...a.value()]).toEqual([
      ['k2', 2],
      ['other', 5],
    ]);
    expect(a.equals(b)).toBe(true);
    expect(a.has('k')).toBe(false);
    // A concurrent set on a's exact clock beats b's older (slow) concurrent delete.
    t += 5;
    a.set('other', 6);
    b.delete('other');
    a.merge(b);
    b.merge(a);
    expect(a.get('other')).toBe(6);
    expect(b.get('other')).toBe(6);
    expect(b.delete('missing')).toBe(false);
  });

  it('treats "__proto__" as an ordinary key and refuses non-string keys', () => {
    const m = new LWWMap(1, numberCodec);
    m.set('__proto__', 1);
    const back = LWWMap.decode(m.encode(), 1, numberCodec);
    expect(back.get('__proto__')).toBe(1);
    expect(back.keys()).toEqual(['__proto__']);
    expect(() => m.set(3 as unknown as string, 1)).toThrow(AccordError);
    expect(m.size).toBe(1);
  });
});
