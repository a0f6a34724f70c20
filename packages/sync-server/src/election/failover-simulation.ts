/**
 * Failover time in simulation: start a cluster, let it elect, kill the leader at a random moment,
 * and measure virtual time until a new leader holds a majority in a newer term. Compares
 * next-in-line succession with the plain pre-vote baseline (where split votes cause a slow tail).
 */
import { seededRandom } from '../time/random.js';
import { type SimNetwork, SimulatedCluster } from './simulated-cluster.js';
import type { ElectionConfig } from './types.js';

/** Parameters of {@link simulateFailover}. */
export interface FailoverSimulationOptions {
  nodes: number;
  trials: number;
  seed: number;
  succession: boolean;
  network?: Partial<SimNetwork>;
  election?: Omit<ElectionConfig, 'id' | 'members' | 'succession'>;
  /** Give up on a trial after this much virtual time without a new leader. Default 10 000 ms. */
  boundMs?: number;
}

/** Distribution of failover times (virtual ms). */
export interface FailoverSimulationResult {
  samples: number[];
  p50: number;
  p99: number;
  max: number;
  /** Trials that needed more than one vote round (a second term after the kill). */
  extraRounds: number;
  /** Trials with no new leader within `boundMs`. */
  failed: number;
}

/** The q-quantile (0..1) of `values` by nearest rank; NaN for an empty list. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[idx]!;
}

/**
 * Run `trials` independent kill-the-leader trials. Each trial boots a fresh cluster, waits for a
 * stable leader, runs a random extra 0..1 s so the kill lands anywhere in a heartbeat interval,
 * kills the leader, and steps virtual time 1 ms at a time until a majority follows a new leader.
 */
export function simulateFailover(opts: FailoverSimulationOptions): FailoverSimulationResult {
  const rng = seededRandom(opts.seed);
  const boundMs = opts.boundMs ?? 10_000;
  const members = Array.from({ length: opts.nodes }, (_, i) => i + 1);
  const samples: number[] = [];
  let extraRounds = 0;
  let failed = 0;
  for (let t = 0; t < opts.trials; t++) {
    const sim = new SimulatedCluster({
      members,
      seed: Math.floor(rng() * 2 ** 32),
      election: { ...opts.election, succession: opts.succession },
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
    sim.run(500 + Math.floor(rng() * 1000));
    before = sim.majorityLeader();
    if (before === undefined) {
      failed++;
      continue;
    }
    sim.crash(before.leader);
    const killedAt = sim.now;
    let after = sim.majorityLeader();
    while ((after === undefined || after.term <= before.term) && sim.now - killedAt < boundMs) {
      sim.run(1);
      after = sim.majorityLeader();
    }
    if (after === undefined || after.term <= before.term) {
      failed++;
      continue;
    }
    const terms = new Set(sim.leaders.filter((l) => l.at >= killedAt).map((l) => l.term));
    const maxTermSeen = Math.max(...members.map((m) => sim.persisted(m).term));
    if (maxTermSeen > before.term + 1 || terms.size > 1) extraRounds++;
    samples.push(sim.now - killedAt);
  }
  return {
    samples,
    p50: quantile(samples, 0.5),
    p99: quantile(samples, 0.99),
    max: samples.length === 0 ? Number.NaN : Math.max(...samples),
    extraRounds,
    failed,
  };
}
