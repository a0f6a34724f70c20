import { describe, expect, it } from 'vitest';
import { failoverTimes } from '../../src/chaos/checkers.js';
import type { FaultEvent, LeaderEvent } from '../../src/chaos/events.js';
import {
  type ElectionLogEntry,
  explainFailovers,
  majorityBackAt,
  summarizeCauses,
} from '../../src/chaos/failover-causes.js';

const fault = (
  f: FaultEvent['fault'],
  nodes: number[],
  at: number,
  extra: Partial<FaultEvent> = {},
): FaultEvent => ({
  kind: 'fault',
  fault: f,
  nodes,
  at,
  ...extra,
});
const leader = (node: number, term: number, at: number): LeaderEvent => ({ kind: 'leader', node, term, at });
const started = (node: number, at: number, phase: string, cause: string, term = 3): ElectionLogEntry => ({
  node,
  at,
  event: { type: 'phase-started', phase, cause, term, successors: [2, 1], asked: [] },
});
const ended = (node: number, at: number, phase: string, outcome: string, term = 3): ElectionLogEntry => ({
  node,
  at,
  event: { type: 'phase-ended', phase, outcome, term, granted: [node] },
});

describe("majorityBackAt (the schedule's floor under a failover)", () => {
  const members = [1, 2, 3];
  const kill = fault('kill', [3], 1000, { leaderTerm: 2 });

  it('is the kill itself when two of three nodes are up and unpaused', () => {
    expect(majorityBackAt(kill, 1400, [kill], members)).toBe(1000);
  });

  it('waits for the other survivor to resume, or for a down node to restart', () => {
    const paused = [fault('stop', [1], 800), kill, fault('cont', [1], 1700)];
    expect(majorityBackAt(kill, 2000, paused, members)).toBe(1700);
    const down = [fault('kill', [1], 500), kill, fault('restart', [1], 1300), fault('restart', [3], 1900)];
    expect(majorityBackAt(kill, 2000, down, members)).toBe(1300);
  });

  it('waits for a heal when the partition leaves no side with a majority of live nodes', () => {
    const split = [fault('partition', [], 900, { groups: [[1, 3], [2]] }), kill, fault('heal', [], 1600)];
    expect(majorityBackAt(kill, 2000, split, members)).toBe(1600);
    const fine = [fault('partition', [], 900, { groups: [[1, 2], [3]] }), kill];
    expect(majorityBackAt(kill, 2000, fine, members)).toBe(1000);
  });

  it('is null when no majority came back before the new leader (and explains as floor 0)', () => {
    const never = [fault('stop', [1], 800), kill, fault('cont', [1], 2500)];
    expect(majorityBackAt(kill, 2000, never, members)).toBeNull();
  });

  it('gives each explained failover its floor', () => {
    const faults = [fault('stop', [1], 800), kill, fault('cont', [1], 1700)];
    const [c] = explainFailovers(faults, [leader(3, 2, 0), leader(2, 3, 1950)], [], members);
    expect(c).toMatchObject({ ms: 950, floorMs: 700 });
    const [noMembers] = explainFailovers(faults, [leader(3, 2, 0), leader(2, 3, 1950)], []);
    expect(noMembers).toMatchObject({ floorMs: 0 });
  });
});

describe('explainFailovers', () => {
  it('a clean kill with one pre-vote and one vote is clean/direct, timed like failoverTimes', () => {
    const faults = [fault('kill', [3], 1000, { leaderTerm: 2 })];
    const leaders = [leader(3, 2, 100), leader(2, 3, 1400)];
    const log = [
      started(3, 900, 'pre-vote', 'election-timeout', 2), // the dead leader's own log: ignored
      started(2, 1350, 'pre-vote', 'election-timeout'),
      ended(2, 1352, 'pre-vote', 'won'),
      started(2, 1352, 'vote', 'pre-vote-won'),
      ended(2, 1400, 'vote', 'won'),
    ];
    const [c] = explainFailovers(faults, leaders, log);
    expect(c).toMatchObject({
      ms: 400,
      context: 'clean',
      path: 'direct',
      cause: 'clean/direct',
      detectMs: 350,
      firstCause: 'election-timeout',
      preVoteRounds: 1,
      voteRounds: 1,
      paused: [],
      partitioned: false,
    });
    expect(failoverTimes(faults, leaders).samples).toEqual([c!.ms]);
  });

  it('names a survivor paused across the kill and the pre-vote retries it cost', () => {
    const faults = [
      fault('stop', [1], 500),
      fault('kill', [3], 1000, { leaderTerm: 2 }),
      fault('cont', [1], 1600),
    ];
    const log = [
      started(2, 1350, 'pre-vote', 'election-timeout'),
      ended(2, 1500, 'pre-vote', 'timed-out'),
      started(2, 1500, 'pre-vote', 'retry'),
      ended(2, 1650, 'pre-vote', 'won'),
      started(2, 1650, 'bully', 'pre-vote-won'),
      ended(2, 1652, 'bully', 'deferred'),
      started(1, 1652, 'pre-vote', 'elect'),
      ended(1, 1655, 'pre-vote', 'won'),
      started(1, 1655, 'vote', 'pre-vote-won'),
      ended(1, 1660, 'vote', 'won'),
    ];
    const [c] = explainFailovers(faults, [leader(3, 2, 0), leader(1, 3, 1660)], log);
    expect(c).toMatchObject({
      context: 'peer-paused',
      path: 'pre-vote-retry',
      paused: [1],
      preVoteRounds: 3,
      preVoteTimeouts: 1,
      bullyRounds: 1,
      deferrals: 1,
    });
    expect(c!.trace.some((t) => t.includes('fault cont 1'))).toBe(true);
  });

  it('tells partitions, recent heals, restarts and a second vote round apart', () => {
    const faults = [
      fault('partition', [1], 100, { groups: [[1], [2, 3]] }),
      fault('heal', [], 800),
      fault('kill', [3], 1000, { leaderTerm: 2 }),
      fault('restart', [3], 2000),
      fault('kill', [2], 2500, { leaderTerm: 4 }),
      fault('partition', [1], 2600, { groups: [[1], [2, 3]] }),
      fault('heal', [], 2700),
    ];
    const leaders = [leader(3, 2, 0), leader(2, 4, 1500), leader(1, 5, 3000)];
    const log = [
      started(2, 1300, 'vote', 'pre-vote-won', 3),
      ended(2, 1450, 'vote', 'timed-out', 3),
      started(2, 1460, 'vote', 'pre-vote-won', 4),
      ended(2, 1500, 'vote', 'won', 4),
      started(1, 2900, 'pre-vote', 'election-timeout', 5),
    ];
    const causes = explainFailovers(faults, leaders, log);
    expect(causes.map((c) => c.cause)).toEqual(['after-heal/vote-retry', 'partition/direct']);
    const summary = summarizeCauses([...causes, { ...causes[1]!, ms: 300 }]);
    expect(summary).toEqual({
      'partition/direct': { count: 2, p50Ms: 300, p99Ms: 500, maxMs: 500 },
      'after-heal/vote-retry': { count: 1, p50Ms: 500, p99Ms: 500, maxMs: 500 },
    });
  });

  it('a kill of a non-leader or a kill with no later leader is not a failover', () => {
    const faults = [fault('kill', [1], 1000), fault('kill', [3], 2000, { leaderTerm: 2 })];
    expect(explainFailovers(faults, [leader(3, 2, 0)], [])).toEqual([]);
  });
});
