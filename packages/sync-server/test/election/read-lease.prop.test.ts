/**
 * The read-lease safety property in the deterministic simulator: whenever a node believes (by its
 * own, drifting clock) that it holds a read lease in term T, no node has become leader of a term
 * above T at that (global, simulated) time. Random crashes, restarts, partitions, one-way cuts,
 * link resets and flapping links (`peerDown` while both ends live), pauses, lossy and reordering links, and clock
 * rates that differ within the configured drift bound; register reads are served on every node
 * all along, so leaders keep asking for promises.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ElectionAlgorithmName } from '../../src/election/algorithm.js';
import { SimulatedCluster } from '../../src/election/simulated-cluster.js';
import type { NodeId } from '../../src/election/types.js';
import { type LeaseFault, leaseFaultArb, networkArb } from '../cluster/arbitraries.js';
import { applyFault, clampFault } from './sim-helpers.js';

/** Clock-rate drift bound given to the machines; each clock runs at 1 ± RATE_SPREAD. */
const DRIFT = 0.2;
/** (1 − s) / (1 + s) ≥ 1 − DRIFT: any two clocks stay within the bound. */
const RATE_SPREAD = 0.1;

interface Outcome {
  violations: string[];
  /** Checks at which some node held a lease (so the property is not vacuous). */
  leaseChecks: number;
}

function applyLeaseFault(sim: SimulatedCluster, f: LeaseFault, n: number): void {
  const c = (x: number) => ((x - 1) % n) + 1;
  if (f.kind === 'reset') {
    if (c(f.from) === c(f.to)) return;
    sim.setLink(c(f.from), c(f.to), false);
    sim.setLink(c(f.from), c(f.to), true);
  } else if (f.kind === 'flap') {
    for (let t = 0; t < f.forMs; t += f.everyMs) {
      sim.scheduler.setTimer(t, () =>
        applyLeaseFault(sim, { kind: 'reset', from: f.from, to: f.to, afterMs: 0 }, n),
      );
    }
  } else if (f.kind === 'pause') {
    const id = c(f.node);
    sim.pause(id);
    sim.scheduler.setTimer(f.pauseMs, () => sim.resume(id));
  } else if (f.kind === 'undermine') {
    const leader = sim.majorityLeader()?.leader;
    if (leader === undefined) return;
    const others = Array.from({ length: n }, (_, i) => i + 1).filter((id) => id !== leader);
    const victim = others[f.pick % others.length] as NodeId;
    sim.setLink(leader, victim, false);
    for (const o of others) {
      if (o !== victim)
        applyLeaseFault(
          sim,
          { kind: 'flap', from: leader, to: o, everyMs: f.everyMs, forMs: f.forMs, afterMs: 0 },
          n,
        );
    }
    // Then the leader goes silent: the last promises run out while its lease may still run.
    sim.scheduler.setTimer(f.forMs, () => {
      for (const o of others) sim.setLink(leader, o, false);
    });
  } else applyFault(sim, clampFault(f, n));
}

function run(
  algorithm: ElectionAlgorithmName,
  n: number,
  seed: number,
  rates: number[],
  network: SimulatedCluster['network'],
  faults: LeaseFault[],
): Outcome {
  const members: NodeId[] = Array.from({ length: n }, (_, i) => i + 1);
  const out: Outcome = { violations: [], leaseChecks: 0 };
  let sim: SimulatedCluster | null = null;
  const check = (why: string) => {
    if (sim === null) return;
    const s = sim;
    const newest = Math.max(0, ...s.leaders.map((l) => l.term));
    for (const id of members) {
      if (!s.holdsReadLease(id)) continue;
      out.leaseChecks++;
      const t = s.status(id).term;
      if (newest > t)
        out.violations.push(
          `${why} at ${s.now}: node ${id} holds a lease in term ${t}, term ${newest} has a leader`,
        );
    }
  };
  sim = new SimulatedCluster({
    members,
    seed,
    algorithm,
    network: { ...network, maxDelayMs: Math.min(network.maxDelayMs, 20) },
    clockRates: rates,
    election: { leaseDrift: DRIFT, leaseMarginMs: 0 },
    // At the very moment a newer leader appears, nobody of an older term may hold a lease.
    onEvent: (_node, e) => {
      if (e.type === 'became-leader') check(`became-leader ${e.term}`);
    },
  });
  const s = sim;
  s.startAll();
  // Register reads on every node all along (only leaders act on them), and a check every 2 ms.
  const tick = () => {
    for (const id of members) s.readOn(id);
    check('tick');
    s.scheduler.setTimer(2, tick);
  };
  s.scheduler.setTimer(2, tick);
  s.run(800); // a leader is elected and leases run
  let t = 0;
  for (const f of [...faults].sort((a, b) => a.afterMs - b.afterMs)) {
    s.run(f.afterMs - t);
    t = f.afterMs;
    applyLeaseFault(s, f, n);
  }
  s.run(1500);
  return out;
}

describe('read leases in the simulator', () => {
  for (const algorithm of ['bully', 'candidates', 'ring', 'invitation'] as const) {
    it(`${algorithm}: no newer leader exists while a node believes it holds a lease`, () => {
      let held = 0;
      fc.assert(
        fc.property(
          fc.integer({ min: 3, max: 5 }),
          fc.nat(),
          fc.array(fc.double({ min: 1 - RATE_SPREAD, max: 1 + RATE_SPREAD, noNaN: true }), {
            minLength: 5,
            maxLength: 5,
          }),
          networkArb,
          fc.array(leaseFaultArb(5), { maxLength: 10 }),
          (n, seed, rates, network, faults) => {
            const o = run(algorithm, n, seed, rates.slice(0, n), network, faults);
            held += o.leaseChecks;
            expect(o.violations).toEqual([]);
          },
        ),
        { numRuns: algorithm === 'bully' ? 60 : 25 },
      );
      expect(held).toBeGreaterThan(0);
    }, 120_000);
  }

  it('the checker is not blind: clocks drifting past the bound do break the lease', () => {
    // Followers' clocks run 60 % fast and the leader's 60 % slow, with a 1 % bound configured:
    // promises end long before the leader's lease; cutting the leader off lets the others elect.
    let violations = 0;
    for (let seed = 0; seed < 10 && violations === 0; seed++) {
      const members = [1, 2, 3];
      const sim: SimulatedCluster = new SimulatedCluster({
        members,
        seed,
        clockRates: [1.6, 1.6, 0.4],
        election: { leaseDrift: 0.01, leaseMarginMs: 0, leasePromiseMs: 150, heartbeatMs: 50 },
        onEvent: (_node, e) => {
          if (e.type !== 'became-leader') return;
          for (const id of members) if (sim.holdsReadLease(id) && sim.status(id).term < e.term) violations++;
        },
      });
      sim.startAll();
      const reads = () => {
        for (const id of members) sim.readOn(id);
        sim.scheduler.setTimer(2, reads);
      };
      reads();
      sim.run(3000);
      const leader = sim.majorityLeader()?.leader;
      if (leader === undefined) continue;
      for (const id of members) if (id !== leader) sim.setLink(leader, id, false);
      sim.run(3000);
    }
    expect(violations).toBeGreaterThan(0);
  });
});
