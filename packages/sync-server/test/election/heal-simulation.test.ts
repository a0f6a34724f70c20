import { describe, expect, it } from 'vitest';
import { ELECTION_ALGORITHMS } from '../../src/election/algorithm.js';
import { simulateFailover } from '../../src/election/failover-simulation.js';
import { simulateHeal } from '../../src/election/heal-simulation.js';

describe.each(ELECTION_ALGORITHMS)('%s in the failover and heal simulations', (algorithm) => {
  it('re-forms one leader after a partition heals; the minority never leads', () => {
    const r = simulateHeal({ algorithm, nodes: 5, trials: 6, seed: 4 });
    expect(r.failed).toBe(0);
    expect(r.minorityLed).toBe(0);
    expect(r.maxLeadersPerTerm).toBe(1);
    expect(r.samples).toHaveLength(6);
    expect(r.p99).toBeLessThan(2000);
  });

  it('counts the messages of each failover', () => {
    const r = simulateFailover({ algorithm, nodes: 3, trials: 6, seed: 2, succession: true });
    expect(r.failed).toBe(0);
    expect(r.messages).toHaveLength(r.samples.length);
    // at least a vote request and its reply from the one other survivor
    for (const m of r.messages) expect(m).toBeGreaterThanOrEqual(2);
  });
});
