import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateSchedule, seeded } from '../../src/chaos/schedule.js';

describe('generateSchedule', () => {
  it('replays exactly from its seed and differs across seeds', () => {
    const a = generateSchedule(42, { nodes: 3 });
    expect(generateSchedule(42, { nodes: 3 })).toEqual(a);
    const others = [1, 2, 3, 4, 5].map((s) => JSON.stringify(generateSchedule(s, { nodes: 3 })));
    expect(new Set([...others, JSON.stringify(a)]).size).toBe(6);
  });

  it('is ordered, repairs every fault, never takes a majority down, and ends healed with all nodes up', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.constantFrom(3, 5), (seed, n) => {
        const steps = generateSchedule(seed, { nodes: n, durationMs: 4000, electionTimeoutMaxMs: 600 });
        for (let i = 1; i < steps.length; i++) expect(steps[i]!.at).toBeGreaterThanOrEqual(steps[i - 1]!.at);
        const tail = steps
          .slice(-2)
          .map((s) => s.action)
          .sort();
        expect(tail).toEqual(['heal', 'restart']);
        let down = 0;
        let parted = false;
        for (const s of steps) {
          if (s.action === 'kill') down++;
          if (s.action === 'restart') down = 0;
          if (s.action === 'partition') parted = true;
          if (s.action === 'heal') parted = false;
          expect(down).toBeLessThanOrEqual(Math.floor((n - 1) / 2));
          if (s.action === 'stop') expect(s.forMs).toBeGreaterThan(600);
          if (s.action === 'partition' && s.kind !== 'leader-isolated') {
            expect(s.groups.flat().sort()).toEqual(Array.from({ length: n }, (_, i) => i + 1));
          }
        }
        expect(parted).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('covers every kind of fault over a few seeds', () => {
    const kinds = new Set<string>();
    for (let seed = 0; seed < 50; seed++) {
      for (const s of generateSchedule(seed, { nodes: 3 })) {
        kinds.add(
          s.action === 'partition'
            ? `partition:${s.kind}`
            : s.action === 'kill'
              ? `kill:${s.target === 'leader' ? 'leader' : 'node'}`
              : s.action,
        );
      }
    }
    expect([...kinds].sort()).toEqual(
      [
        'heal',
        'kill:leader',
        'kill:node',
        'partition:leader-isolated',
        'partition:minority',
        'partition:symmetric',
        'restart',
        'stop',
      ].sort(),
    );
  });

  it('seeded streams are reproducible', () => {
    const a = seeded(7);
    const b = seeded(7);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });
});
