import { describe, expect, it } from 'vitest';
import { quantile, simulateFailover } from '../../src/election/failover-simulation.js';

describe('quantile', () => {
  it('picks by nearest rank', () => {
    expect(quantile([5, 1, 3, 2, 4], 0.5)).toBe(3);
    expect(quantile([5, 1, 3, 2, 4], 0.99)).toBe(5);
    expect(quantile([7], 0.01)).toBe(7);
    expect(quantile([], 0.5)).toBeNaN();
  });
});

describe('failover in simulation (virtual time, defaults 50 / [300, 600) ms)', () => {
  // etcd-like coarse timeout ticks and a few ms of network delay: the conditions where two nodes
  // time out together and split the vote.
  const common = {
    nodes: 3,
    trials: 150,
    seed: 7,
    election: { timeoutTickMs: 50 },
    network: { minDelayMs: 0.2, maxDelayMs: 5 },
  };

  it('with succession: no second vote round, p50 <= 400 ms and p99 <= 800 ms', () => {
    const r = simulateFailover({ ...common, succession: true });
    expect(r.failed).toBe(0);
    expect(r.samples).toHaveLength(150);
    expect(r.extraRounds).toBe(0);
    expect(r.p50).toBeLessThanOrEqual(400);
    expect(r.p99).toBeLessThanOrEqual(800);
    // never faster than the shortest election timeout minus one heartbeat interval
    expect(Math.min(...r.samples)).toBeGreaterThanOrEqual(250);
  });

  it('without succession (pre-vote only), split votes need extra rounds and stretch the tail', () => {
    const withS = simulateFailover({ ...common, succession: true });
    const without = simulateFailover({ ...common, succession: false });
    expect(without.failed).toBe(0);
    expect(without.extraRounds).toBeGreaterThan(0);
    expect(without.max).toBeGreaterThan(withS.max);
  });
});
