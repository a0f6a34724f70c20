import { describe, expect, it } from 'vitest';
import {
  checkConverged,
  checkLeadersPerTerm,
  checkLost,
  checkMinorityCommits,
  checkSnapshotOrder,
  computeHarvest,
  computeYield,
  failoverTimes,
  percentile,
  sidesAt,
  writeGaps,
} from '../../src/chaos/checkers.js';
import type {
  AckEvent,
  FaultEvent,
  SnapshotAcceptedEvent,
  SnapshotCommittedEvent,
  SnapshotConfirmedEvent,
} from '../../src/chaos/events.js';

const ack = (client: string, node: number, key: string, at: number, docId = 'd'): AckEvent => ({
  kind: 'ack',
  client,
  node,
  docId,
  key,
  at,
});
const acc = (
  node: number,
  term: number,
  seq: number,
  at: number,
  promisedTerm = term,
): SnapshotAcceptedEvent => ({
  kind: 'snapshot-accepted',
  node,
  docId: 'd',
  term,
  seq,
  promisedTerm,
  at,
});
const com = (
  node: number,
  term: number,
  seq: number,
  ackers: number[],
  at: number,
): SnapshotCommittedEvent => ({
  kind: 'snapshot-committed',
  node,
  docId: 'd',
  term,
  seq,
  ackers,
  at,
});

describe('checkLost', () => {
  it('counts acknowledged updates missing from any holder, once per update', () => {
    const acks = [ack('a', 1, 'k1', 1), ack('a', 1, 'k1', 2), ack('b', 2, 'k2', 3)];
    const full = new Map([['d', new Set(['k1', 'k2', 'extra'])]]);
    const partial = new Map([['d', new Set(['k1'])]]);
    expect(checkLost(acks, new Map([['n1', full]]))).toEqual({ acked: 2, lost: 0, missing: [] });
    const r = checkLost(
      acks,
      new Map([
        ['n1', full],
        ['n2', partial],
        ['client-x', new Map()],
      ]),
    );
    expect(r.lost).toBe(2);
    expect(r.missing).toContainEqual({ holder: 'n2', docId: 'd', key: 'k2' });
    expect(r.missing).toContainEqual({ holder: 'client-x', docId: 'd', key: 'k1' });
  });
});

describe('checkLeadersPerTerm', () => {
  it('reports the most leaders any term had and which terms broke the rule', () => {
    const ev = (node: number, term: number) => ({ kind: 'leader' as const, node, term, at: 0 });
    expect(checkLeadersPerTerm([ev(1, 1), ev(1, 1), ev(2, 2)])).toEqual({
      maxLeadersPerTerm: 1,
      violations: [],
    });
    expect(checkLeadersPerTerm([ev(1, 3), ev(3, 3), ev(2, 4)])).toEqual({
      maxLeadersPerTerm: 2,
      violations: [{ term: 3, leaders: [1, 3] }],
    });
    expect(checkLeadersPerTerm([]).maxLeadersPerTerm).toBe(0);
  });
});

describe('checkSnapshotOrder', () => {
  it('accepts a clean history, including a higher term replacing an uncommitted seq', () => {
    const accepted = [
      acc(1, 1, 1, 1),
      acc(2, 1, 1, 2),
      acc(1, 1, 2, 3),
      acc(3, 1, 2, 3),
      acc(3, 2, 2, 5),
      acc(1, 2, 3, 6),
    ];
    const committed = [com(1, 1, 1, [1, 2], 2), com(3, 2, 2, [3, 1], 6)];
    expect(checkSnapshotOrder(accepted, committed)).toEqual([]);
  });

  it('flags non-increasing storage, old-term storage, reused seqs, term regressions and gaps', () => {
    expect(checkSnapshotOrder([acc(1, 1, 2, 1), acc(1, 1, 2, 2)], [])).toHaveLength(1);
    expect(checkSnapshotOrder([acc(1, 2, 1, 1), acc(1, 1, 5, 2)], [])[0]).toMatch(/after/);
    expect(checkSnapshotOrder([acc(1, 1, 1, 1, 3)], [])[0]).toMatch(/old term/);
    expect(
      checkSnapshotOrder([acc(1, 1, 1, 1), acc(2, 2, 1, 1)], [com(1, 1, 1, [1], 1), com(2, 2, 1, [2], 2)])[0],
    ).toMatch(/committed in terms/);
    expect(
      checkSnapshotOrder([acc(1, 2, 1, 1), acc(1, 1, 2, 1)], [com(1, 2, 1, [1], 1), com(1, 1, 2, [1], 2)]),
    ).toContainEqual('d: seq 2 (term 1) after seq 1 (term 2)');
    expect(checkSnapshotOrder([acc(1, 1, 1, 1), acc(1, 1, 3, 2)], [com(1, 1, 3, [1, 2], 2)])).toEqual([
      'd: seq 2 never stored (gap)',
    ]);
  });

  it('counts a seq found in a node SQLite file as stored (its log line lost to SIGKILL)', () => {
    const accepted = [acc(1, 1, 1, 1), acc(1, 1, 3, 2)];
    const committed = [com(1, 1, 3, [1, 2], 2)];
    expect(checkSnapshotOrder(accepted, committed, new Map([['d', [1, 2, 3]]]))).toEqual([]);
    // Another document's rows do not fill the gap.
    expect(checkSnapshotOrder(accepted, committed, new Map([['other', [2]]]))).toEqual([
      'd: seq 2 never stored (gap)',
    ]);
  });
});

describe('partition sides and minority commits', () => {
  const faults: FaultEvent[] = [
    { kind: 'fault', fault: 'partition', nodes: [], groups: [[1]], at: 10 },
    { kind: 'fault', fault: 'heal', nodes: [], at: 20 },
  ];

  it('derives the sides in force at any time', () => {
    expect(sidesAt(faults, [1, 2, 3], 5)).toEqual([[1, 2, 3]]);
    expect(sidesAt(faults, [1, 2, 3], 15)).toEqual([[1], [2, 3]]);
    expect(sidesAt(faults, [1, 2, 3], 25)).toEqual([[1, 2, 3]]);
  });

  it('flags commits without a majority and commits by a minority-side leader', () => {
    expect(checkMinorityCommits([com(2, 1, 1, [2, 3], 15)], faults, [1, 2, 3])).toEqual([]);
    expect(checkMinorityCommits([com(1, 1, 1, [1, 2], 15)], faults, [1, 2, 3])[0]).toMatch(/minority side/);
    expect(checkMinorityCommits([com(1, 1, 1, [1], 25)], faults, [1, 2, 3])[0]).toMatch(/1 < 2/);
  });

  it('counts an ack stored before the cut, logged by the leader just after it; not one stored after', () => {
    // Node 2 stored (1,1) at 9, before the partition at 10 isolated node 1: its ack was in flight.
    expect(checkMinorityCommits([com(1, 1, 1, [1, 2], 11)], faults, [1, 2, 3], [acc(2, 1, 1, 9)])).toEqual(
      [],
    );
    // Stored at 12, across the partition: that ack cannot have reached node 1.
    expect(
      checkMinorityCommits([com(1, 1, 1, [1, 2], 13)], faults, [1, 2, 3], [acc(2, 1, 1, 12)])[0],
    ).toMatch(/minority side \[1\]/);
  });

  it('counts an acker that stored across the cut and answered a resend "stored" again after the heal', () => {
    const conf = (node: number, at: number): SnapshotConfirmedEvent => ({
      kind: 'snapshot-confirmed',
      node,
      docId: 'd',
      term: 1,
      seq: 1,
      at,
    });
    // Stored at 12 across the partition (its reply lost), confirmed at 21 after the heal at 20.
    expect(
      checkMinorityCommits([com(1, 1, 1, [1, 2], 22)], faults, [1, 2, 3], [acc(2, 1, 1, 12)], [conf(2, 21)]),
    ).toEqual([]);
    // A confirmation given while still cut off, or only after the commit, does not count.
    for (const at of [15, 23])
      expect(
        checkMinorityCommits(
          [com(1, 1, 1, [1, 2], 22)],
          faults,
          [1, 2, 3],
          [acc(2, 1, 1, 12)],
          [conf(2, at)],
        )[0],
      ).toMatch(/minority side/);
  });
});

describe('convergence, yield and harvest', () => {
  it('converged means one distinct final state', () => {
    expect(
      checkConverged(
        new Map([
          ['a', 'x'],
          ['b', 'x'],
        ]),
      ),
    ).toBe(true);
    expect(
      checkConverged(
        new Map([
          ['a', 'x'],
          ['b', 'y'],
        ]),
      ),
    ).toBe(false);
    expect(checkConverged(new Map())).toBe(true);
  });

  it('yield counts answered requests inside fault windows only', () => {
    const reqs = [
      { at: 1, answered: false },
      { at: 11, answered: true },
      { at: 12, answered: false },
      { at: 13, answered: true },
      { at: 14, answered: true },
    ];
    expect(computeYield(reqs, [{ from: 10, to: 20 }])).toBe(0.75);
    expect(computeYield(reqs, [])).toBe(1);
  });

  it('harvest is the visible share of acknowledged data', () => {
    expect(
      computeHarvest([
        { expected: 10, visible: 10 },
        { expected: 10, visible: 5 },
      ]),
    ).toBe(0.75);
    expect(computeHarvest([{ expected: 4, visible: 9 }])).toBe(1);
    expect(computeHarvest([])).toBe(1);
  });
});

describe('failover and write gaps', () => {
  it('measures from the kill of a leader to the first newer-term leader elsewhere', () => {
    const faults: FaultEvent[] = [
      { kind: 'fault', fault: 'kill', nodes: [3], leaderTerm: 2, at: 1000 },
      { kind: 'fault', fault: 'kill', nodes: [1], at: 1500 }, // not a leader: ignored
      { kind: 'fault', fault: 'kill', nodes: [2], leaderTerm: 3, at: 5000 },
    ];
    const leaders = [
      { kind: 'leader' as const, node: 3, term: 2, at: 100 },
      { kind: 'leader' as const, node: 3, term: 3, at: 1100 }, // the killed node itself: not a failover
      { kind: 'leader' as const, node: 2, term: 3, at: 1380 },
    ];
    expect(failoverTimes(faults, leaders)).toEqual({ samples: [380], unrecovered: 1 });
  });

  it('counts the killed node once it was restarted (2 full + 1 witness: it may be the only one left)', () => {
    const faults: FaultEvent[] = [
      { kind: 'fault', fault: 'kill', nodes: [1], leaderTerm: 4, at: 1000 },
      { kind: 'fault', fault: 'restart', nodes: [1], at: 1600 },
    ];
    const early = { kind: 'leader' as const, node: 1, term: 5, at: 1200 }; // a stale log line
    const back = { kind: 'leader' as const, node: 1, term: 5, at: 1900 };
    expect(failoverTimes(faults, [early])).toEqual({ samples: [], unrecovered: 1 });
    expect(failoverTimes(faults, [back])).toEqual({ samples: [900], unrecovered: 0 });
  });

  it('measures, per client of the killed node, the time to its next ack through another node', () => {
    const faults: FaultEvent[] = [{ kind: 'fault', fault: 'kill', nodes: [1], at: 100 }];
    const acks = [
      ack('a', 1, 'k1', 90),
      ack('b', 2, 'k2', 95),
      ack('a', 1, 'k3', 150),
      ack('a', 3, 'k4', 420),
      ack('b', 2, 'k5', 110),
    ];
    expect(writeGaps(faults, acks)).toEqual([320]);
  });

  it('percentile by nearest rank', () => {
    expect(percentile([3, 1, 2], 0.5)).toBe(2);
    expect(percentile([3, 1, 2], 0.99)).toBe(3);
    expect(percentile([], 0.5)).toBeNaN();
  });
});
