/**
 * Helpers shared by the election simulation tests: apply a random fault, wait for a majority
 * leader in virtual time, count leaders per term from every node's own log.
 */
import type { SimulatedCluster } from '../../src/election/simulated-cluster.js';
import type { SimFault } from '../cluster/arbitraries.js';

/** Virtual time within which a connected, loss-free majority must elect after the faults stop. */
export const ELECTION_BOUND_MS = 4000;

/** Apply one fault to the simulation. */
export function applyFault(sim: SimulatedCluster, f: SimFault): void {
  switch (f.kind) {
    case 'crash':
      sim.crash(f.node);
      return;
    case 'restart':
      sim.restart(f.node);
      return;
    case 'heal':
      sim.heal();
      return;
    case 'cut':
      if (f.from !== f.to) sim.setLink(f.from, f.to, false);
      return;
    case 'partition': {
      const sides = new Map<number, number[]>();
      f.groups.forEach((g, i) => {
        sides.set(g, [...(sides.get(g) ?? []), i + 1]);
      });
      sim.partition([...sides.values()]);
      return;
    }
  }
}

/**
 * Run `sim` in 10 ms steps until a majority follows a leader that `accept`s (any by default), for
 * at most {@link ELECTION_BOUND_MS} of virtual time; that leader, or the last seen (maybe none).
 */
export function awaitMajorityLeader(
  sim: SimulatedCluster,
  accept: (leader: number) => boolean = () => true,
): ReturnType<SimulatedCluster['majorityLeader']> {
  const from = sim.now;
  let leader = sim.majorityLeader();
  while ((leader === undefined || !accept(leader.leader)) && sim.now - from < ELECTION_BOUND_MS) {
    sim.run(10);
    leader = sim.majorityLeader();
  }
  return leader;
}

/** Every term has at most one leader, judged from every node's own log. */
export function leadersPerTerm(sim: SimulatedCluster): number {
  const byTerm = new Map<number, Set<number>>();
  for (const [node, log] of sim.logs) {
    for (const e of log) {
      if (e.type !== 'became-leader') continue;
      const s = byTerm.get(e.term) ?? new Set<number>();
      s.add(node);
      byTerm.set(e.term, s);
    }
  }
  return Math.max(0, ...[...byTerm.values()].map((s) => s.size));
}

/** Map a fault drawn for 5 nodes onto `n` nodes. */
export function clampFault(f: SimFault, n: number): SimFault {
  const c = (x: number) => ((x - 1) % n) + 1;
  switch (f.kind) {
    case 'crash':
    case 'restart':
      return { ...f, node: c(f.node) };
    case 'cut':
      return { ...f, from: c(f.from), to: c(f.to) };
    case 'partition':
      return { ...f, groups: f.groups.slice(0, n) };
    case 'heal':
      return f;
  }
}
