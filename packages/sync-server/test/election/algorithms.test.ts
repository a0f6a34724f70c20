import { describe, expect, it } from 'vitest';
import type { ElectionAlgorithmName } from '../../src/election/algorithm.js';
import { createElection } from '../../src/election/create-election.js';
import { SimulatedCluster } from '../../src/election/simulated-cluster.js';
import type { ElectionConfig } from '../../src/election/types.js';
import { awaitMajorityLeader, leadersPerTerm } from './sim-helpers.js';

const ALGORITHMS: ElectionAlgorithmName[] = ['candidates', 'invitation', 'ring'];
const members = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

function cluster(
  algorithm: ElectionAlgorithmName,
  n: number,
  seed: number,
  election: Partial<ElectionConfig> = {},
) {
  const sim = new SimulatedCluster({ members: members(n), seed, algorithm, election });
  sim.startAll();
  return sim;
}

describe.each(ALGORITHMS)('%s election in virtual time', (algorithm) => {
  it.each([3, 5])('elects one leader followed by all %i nodes', (n) => {
    const sim = cluster(algorithm, n, 7);
    const leader = awaitMajorityLeader(sim);
    expect(leader).toBeDefined();
    sim.run(500);
    for (const m of members(n)) expect(sim.status(m).leader).toBe(leader?.leader);
    expect(leadersPerTerm(sim)).toBe(1);
  });

  it.each([3, 5])('re-elects in a newer term after the leader of %i nodes dies', (n) => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const sim = cluster(algorithm, n, seed);
      const before = awaitMajorityLeader(sim);
      expect(before).toBeDefined();
      sim.run(300);
      sim.crash(before!.leader);
      const after = awaitMajorityLeader(sim, (l) => l !== before!.leader);
      expect(after, `seed ${seed}`).toBeDefined();
      expect(after!.term).toBeGreaterThan(before!.term);
      expect(leadersPerTerm(sim)).toBe(1);
    }
  });

  it('a minority side never elects, the majority side does', () => {
    const sim = cluster(algorithm, 5, 11);
    sim.partition([
      [1, 2],
      [3, 4, 5],
    ]);
    sim.run(5000);
    for (const m of [1, 2]) expect(sim.status(m).role).not.toBe('leader');
    expect(sim.leaders.every((l) => l.node >= 3)).toBe(true);
    const leader = sim.majorityLeader();
    expect([3, 4, 5]).toContain(leader?.leader);
  });
});

describe('ring', () => {
  it('elects the highest live rank, skipping a dead successor on the ring', () => {
    const sim = cluster('ring', 5, 3);
    expect(awaitMajorityLeader(sim)?.leader).toBe(5);
    sim.crash(5);
    expect(awaitMajorityLeader(sim, (l) => l !== 5)?.leader).toBe(4);
    sim.run(500);
    sim.crash(4); // 3's election goes 3 → 4 (dead) → 5 (dead) → 1 → 2 → 3
    expect(awaitMajorityLeader(sim, (l) => l !== 4)?.leader).toBe(3);
  });

  it('skips a silently cut successor (no ack within two heartbeats)', () => {
    const sim = cluster('ring', 5, 4);
    expect(awaitMajorityLeader(sim)?.leader).toBe(5);
    sim.partition([[1], [2, 3, 4, 5]]);
    sim.run(100);
    sim.crash(5);
    expect(awaitMajorityLeader(sim, (l) => l !== 5)?.leader).toBe(4);
  });
});

describe('candidates', () => {
  it('an ordinary node never leads, even when it outranks every candidate', () => {
    for (const seed of [1, 2, 3]) {
      const sim = cluster('candidates', 5, seed, { candidates: [1, 2, 3] });
      const first = awaitMajorityLeader(sim);
      expect([1, 2, 3]).toContain(first?.leader);
      sim.crash(first!.leader);
      const second = awaitMajorityLeader(sim, (l) => l !== first!.leader);
      expect([1, 2, 3]).toContain(second?.leader);
      expect(sim.leaders.every((l) => l.node <= 3)).toBe(true);
      for (const m of [4, 5])
        expect(sim.persisted(m).votedFor === 4 || sim.persisted(m).votedFor === 5).toBe(false);
    }
  });

  it('no leader while every candidate is down', () => {
    const sim = cluster('candidates', 5, 9, { candidates: [4, 5] });
    const first = awaitMajorityLeader(sim);
    expect([4, 5]).toContain(first?.leader);
    sim.crash(4);
    sim.crash(5);
    sim.run(5000);
    expect(sim.majorityLeader()).toBeUndefined();
    expect(sim.leaders.every((l) => l.node >= 4)).toBe(true);
  });

  it('refuses candidates that are not members', () => {
    expect(() =>
      createElection(
        'candidates',
        { id: 1, members: [1, 2, 3], candidates: [4] },
        { term: 0, votedFor: null },
      ),
    ).toThrow(RangeError);
  });
});

describe('invitation', () => {
  it('after a partition heals, the groups merge into one again', () => {
    for (const seed of [1, 2, 3]) {
      const sim = cluster('invitation', 5, seed);
      expect(awaitMajorityLeader(sim)).toBeDefined();
      sim.partition([
        [1, 2],
        [3, 4, 5],
      ]);
      sim.run(3000);
      for (const m of [1, 2])
        expect(sim.status(m).leader === null || sim.status(m).role !== 'leader').toBe(true);
      sim.heal();
      sim.run(3000);
      const leader = sim.majorityLeader();
      expect(leader, `seed ${seed}`).toBeDefined();
      for (const m of members(5)) expect(sim.status(m).leader, `seed ${seed} node ${m}`).toBe(leader?.leader);
      expect(leadersPerTerm(sim)).toBe(1);
    }
  });
});
