import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ELECTION_ALGORITHMS } from '../../src/election/algorithm.js';
import { SimulatedCluster } from '../../src/election/simulated-cluster.js';
import { faultArb, networkArb } from '../cluster/arbitraries.js';
import {
  applyFault,
  awaitMajorityLeader,
  clampFault,
  ELECTION_BOUND_MS,
  leadersPerTerm,
} from './sim-helpers.js';

const scenario = fc.record({
  n: fc.constantFrom(3, 5),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  network: networkArb,
  faults5: fc.array(faultArb(5), { maxLength: 10 }),
  majoritySeed: fc.integer({ min: 0, max: 1000 }),
  candidateCount: fc.integer({ min: 1, max: 5 }),
});

describe.each(ELECTION_ALGORITHMS)(
  '%s under random faults (loss, delay, duplicates, crashes, partitions)',
  (algorithm) => {
    it('never elects two leaders in one term; a connected majority elects within a bound', () => {
      fc.assert(
        fc.property(scenario, ({ n, seed, network, faults5, majoritySeed, candidateCount }) => {
          const members = Array.from({ length: n }, (_, i) => i + 1);
          // candidates: the top `candidateCount` ranks (at least a majority, so the liveness side below has one)
          const majority = Math.floor(n / 2) + 1;
          const candidates = members.slice(0, Math.max(majority, Math.min(n, candidateCount)));
          const sim = new SimulatedCluster({ members, seed, network, algorithm, election: { candidates } });
          sim.startAll();
          for (const f of faults5.map((f) => clampFault(f, n))) {
            sim.run(f.afterMs);
            applyFault(sim, f);
            expect(leadersPerTerm(sim)).toBeLessThanOrEqual(1);
          }
          sim.run(1000);
          expect(leadersPerTerm(sim)).toBeLessThanOrEqual(1);
          if (algorithm === 'candidates')
            expect(sim.leaders.every((l) => candidates.includes(l.node))).toBe(true);

          // Liveness: a majority up, connected and loss-free elects one of its own.
          const start = majoritySeed % n;
          const side = members.filter((_, i) => (i - start + n) % n < majority);
          const others = members.filter((m) => !side.includes(m));
          for (const m of side) sim.restart(m);
          sim.partition([side, others]);
          sim.network = { ...network, loss: 0, duplicate: 0 };
          const elects = algorithm !== 'candidates' || side.some((m) => candidates.includes(m));
          const leader = awaitMajorityLeader(sim, (l) => side.includes(l));
          if (elects) {
            expect(leader, `no majority leader within ${ELECTION_BOUND_MS} ms`).toBeDefined();
            expect(side).toContain(leader?.leader);
          }
          expect(leadersPerTerm(sim)).toBeLessThanOrEqual(1);
        }),
        { numRuns: 60 },
      );
    }, 60_000);
  },
);
