import { describe, expect, it } from 'vitest';
import { checkSurvivorWrites, downAt, faultWindows, survivesAt } from '../../src/chaos/checkers.js';
import type { FaultEvent } from '../../src/chaos/events.js';

const fault = (f: FaultEvent['fault'], nodes: number[], at: number, groups?: number[][]): FaultEvent =>
  groups === undefined
    ? { kind: 'fault', fault: f, nodes, at }
    : { kind: 'fault', fault: f, nodes, at, groups };
const req = (client: string, node: number, at: number, answered: boolean) => ({
  client,
  node,
  at,
  answered,
});
const ids = [1, 2, 3];

describe('fault windows and surviving nodes', () => {
  it('tracks killed and paused nodes until restart or SIGCONT', () => {
    const faults = [
      fault('kill', [1], 100),
      fault('stop', [2], 150),
      fault('cont', [2], 300),
      fault('restart', [1], 400),
    ];
    expect([...downAt(faults, 50)]).toEqual([]);
    expect([...downAt(faults, 200)].sort()).toEqual([1, 2]);
    expect([...downAt(faults, 350)]).toEqual([1]);
    expect([...downAt(faults, 400)]).toEqual([]);
    expect(faultWindows(faults)).toEqual([
      { from: 150, to: 300 },
      { from: 100, to: 400 },
    ]);
  });

  it('a node survives when it runs and its side has a majority of running nodes', () => {
    const faults = [
      fault('kill', [1], 100),
      fault('restart', [1], 200),
      fault('partition', [3, 1, 2], 300, [[3], [1, 2]]),
    ];
    expect(survivesAt(faults, ids, 1, 150)).toBe(false);
    expect(survivesAt(faults, ids, 2, 150)).toBe(true);
    expect(survivesAt(faults, ids, 3, 350)).toBe(false);
    expect(survivesAt(faults, ids, 2, 350)).toBe(true);
    // Leader isolated: only node 1 listed, the rest form the other side.
    const isolated = [fault('partition', [1], 10, [[1]])];
    expect(survivesAt(isolated, ids, 1, 20)).toBe(false);
    expect(survivesAt(isolated, ids, 3, 20)).toBe(true);
    // A kill on the majority side of a partition leaves it without a majority.
    const both = [fault('partition', [1, 2, 3], 10, [[1], [2, 3]]), fault('kill', [2], 20)];
    expect(survivesAt(both, ids, 3, 30)).toBe(false);
  });
});

describe('checkSurvivorWrites', () => {
  const faults = [fault('kill', [1], 1000), fault('restart', [1], 3000)];

  it('counts only writes during faults through nodes that survive them', () => {
    const r = checkSurvivorWrites(
      [
        req('a', 2, 500, false), // before the fault
        req('a', 2, 1500, true),
        req('b', 3, 1600, true),
        req('c', 1, 1100, false), // through the killed node
        req('d', 0, 1200, false), // node unknown
        req('a', 2, 3500, false), // after the repair
      ],
      faults,
      ids,
      2000,
    );
    expect(r).toEqual({ writes: 2, failed: 0, examples: [] });
  });

  it('reports an unanswered write through a surviving node', () => {
    const r = checkSurvivorWrites([req('a', 2, 1500, true), req('b', 3, 2000, false)], faults, ids, 2000);
    expect(r.writes).toBe(2);
    expect(r.failed).toBe(1);
    expect(r.examples).toEqual([{ client: 'b', node: 3, at: 2000 }]);
  });

  it('does not blame a write whose node loses its majority before the answer time', () => {
    const later = [...faults, fault('partition', [2, 1, 3], 2500, [[2], [1, 3]]), fault('heal', [], 2900)];
    const r = checkSurvivorWrites([req('a', 2, 1500, false), req('b', 3, 1200, false)], later, ids, 2000);
    // Node 3 is on the side with node 1, which is down: no majority from 2500 on either.
    expect(r).toEqual({ writes: 0, failed: 0, examples: [] });
    const r2 = checkSurvivorWrites([req('a', 2, 1500, false)], faults, ids, 2000);
    expect(r2.failed).toBe(1);
  });

  it('counts the majority side of a partition and not the minority side', () => {
    const part = [fault('partition', [1, 2, 3], 0, [[1], [2, 3]]), fault('heal', [], 5000)];
    const r = checkSurvivorWrites(
      [req('a', 1, 100, false), req('b', 2, 100, true), req('c', 3, 200, false)],
      part,
      ids,
      2000,
    );
    expect(r.writes).toBe(2);
    expect(r.failed).toBe(1);
  });
});
