import { describe, expect, it } from 'vitest';
import { replayRich, sameDelta } from '../../src/richtext/replay-rich.js';
import { richTrace } from '../../src/richtext/rich-trace.js';
import { syntheticTrace } from '../../src/trace/synthetic.js';

describe('rich trace generator', () => {
  it('is seeded: the same plain trace, seed and rate give the same steps', () => {
    const plain = syntheticTrace(3_000, 7);
    expect(richTrace(plain, { seed: 3, every: 10 }).steps).toEqual(
      richTrace(plain, { seed: 3, every: 10 }).steps,
    );
    expect(richTrace(plain, { seed: 4, every: 10 }).steps).not.toEqual(
      richTrace(plain, { seed: 3, every: 10 }).steps,
    );
  });

  it('keeps the plain edits and adds formatting at about the asked rate', () => {
    const plain = syntheticTrace(3_000, 7);
    const rich = richTrace(plain, { seed: 1, every: 20 });
    const edits = rich.steps.filter((s) => s.kind === 'edit');
    expect(edits.map((s) => s.patches)).toEqual(plain.txns.map((t) => t.patches));
    expect(rich.stats.formats).toBeGreaterThan(50);
    expect(rich.stats.formats).toBeLessThan(250);
  });

  for (const seed of [1, 2, 3]) {
    it(`Accord and Yjs end with the generator's formatting (seed ${seed})`, () => {
      const rich = richTrace(syntheticTrace(4_000, seed), { seed, every: 8 });
      for (const variant of ['accord', 'yjs'] as const) {
        const run = replayRich(rich, variant);
        expect(run.text).toBe(rich.endContent);
        expect(sameDelta(run.delta, rich.endDelta as typeof run.delta)).toBe(true);
        expect(sameDelta(run.loadedDelta, rich.endDelta as typeof run.delta)).toBe(true);
      }
      expect(replayRich(rich, 'accord-plain').text).toBe(rich.endContent);
    });
  }
});
