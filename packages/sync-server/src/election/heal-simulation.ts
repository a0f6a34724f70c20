/**
 * A partition that heals, in simulation: elect, cut the leader off with a minority, let the
 * majority elect, heal, and measure how long until the whole cluster follows one leader again;
 * record whether any minority node logged `became-leader` while cut off (it must never).
 */
import { seededRandom } from '../time/random.js';
import type { ElectionAlgorithmName } from './algorithm.js';
import { quantile } from './failover-simulation.js';
import { type SimNetwork, SimulatedCluster } from './simulated-cluster.js';
import type { ElectionConfig, NodeId } from './types.js';

/** Parameters of {@link simulateHeal}. */
export interface HealSimulationOptions {
  /** The algorithm every node runs. */
  algorithm: ElectionAlgorithmName;
  /** Cluster size N (nodes 1..N). */
  nodes: number;
  /** Independent trials, each a fresh cluster. */
  trials: number;
  /** Seed of the whole run (each trial's cluster gets its own seed from it). */
  seed: number;
  /** Network behaviour (default: the simulator's, 0.1–1 ms, no loss). */
  network?: Partial<SimNetwork>;
  /** Election options shared by every node (e.g. `candidates`). */
  election?: Omit<ElectionConfig, 'id' | 'members'>;
  /** How long the partition lasts (virtual ms). Default 3000. */
  partitionMs?: number;
  /** Give up on a trial after this much virtual time past the heal. Default 10 000. */
  boundMs?: number;
}

/** Outcome of {@link simulateHeal}. */
export interface HealSimulationResult {
  /** Virtual ms from the heal until every node follows one leader (one per successful trial). */
  samples: number[];
  /** Median of `samples` (NaN when empty). */
  p50: number;
  /** 99th percentile of `samples` (NaN when empty). */
  p99: number;
  /** Trials in which a node of the minority side logged `became-leader` while cut off. */
  minorityLed: number;
  /** Trials that did not re-form one group within `boundMs`. */
  failed: number;
  /** Most nodes that logged `became-leader` for one term, over every trial. */
  maxLeadersPerTerm: number;
}

/** The leader every running node follows in its term, if there is one. */
export function unanimousLeader(sim: SimulatedCluster, members: readonly NodeId[]): NodeId | undefined {
  const first = sim.status(members[0]!);
  const leader = first.leader;
  if (leader === null || sim.status(leader).role !== 'leader') return undefined;
  const term = sim.status(leader).term;
  return members.every((m) => sim.status(m).leader === leader && sim.status(m).term === term)
    ? leader
    : undefined;
}

/**
 * Run `trials` partition-and-heal trials. In each, the leader and ⌊(N−1)/2⌋ − 1 others (a
 * minority, at least the leader alone) are cut off from the rest for `partitionMs`, then every
 * link is restored and virtual time advances 1 ms at a time until one leader is followed by all.
 */
export function simulateHeal(opts: HealSimulationOptions): HealSimulationResult {
  const rng = seededRandom(opts.seed);
  const members = Array.from({ length: opts.nodes }, (_, i) => i + 1);
  const minoritySize = Math.max(1, Math.floor((opts.nodes - 1) / 2));
  const boundMs = opts.boundMs ?? 10_000;
  const samples: number[] = [];
  let minorityLed = 0;
  let failed = 0;
  let maxLeadersPerTerm = 0;
  for (let t = 0; t < opts.trials; t++) {
    const sim = new SimulatedCluster({
      members,
      seed: Math.floor(rng() * 2 ** 32),
      algorithm: opts.algorithm,
      ...(opts.election === undefined ? {} : { election: opts.election }),
      ...(opts.network === undefined ? {} : { network: opts.network }),
    });
    sim.startAll();
    let before = sim.majorityLeader();
    for (let i = 0; i < 100 && before === undefined; i++) {
      sim.run(100);
      before = sim.majorityLeader();
    }
    if (before === undefined) {
      failed++;
      continue;
    }
    sim.run(Math.floor(rng() * 500));
    const others = members.filter((m) => m !== before.leader);
    const minority = [before.leader, ...others.slice(0, minoritySize - 1)];
    const majority = members.filter((m) => !minority.includes(m));
    const cutAt = sim.now;
    sim.partition([minority, majority]);
    sim.run(opts.partitionMs ?? 3000);
    if (sim.leaders.some((l) => l.at > cutAt && minority.includes(l.node))) minorityLed++;
    sim.heal();
    const healedAt = sim.now;
    let one = unanimousLeader(sim, members);
    while (one === undefined && sim.now - healedAt < boundMs) {
      sim.run(1);
      one = unanimousLeader(sim, members);
    }
    const byTerm = new Map<number, Set<number>>();
    for (const l of sim.leaders) byTerm.set(l.term, (byTerm.get(l.term) ?? new Set()).add(l.node));
    for (const nodes of byTerm.values()) maxLeadersPerTerm = Math.max(maxLeadersPerTerm, nodes.size);
    if (one === undefined) failed++;
    else samples.push(sim.now - healedAt);
  }
  return {
    samples,
    p50: quantile(samples, 0.5),
    p99: quantile(samples, 0.99),
    minorityLed,
    failed,
    maxLeadersPerTerm,
  };
}
