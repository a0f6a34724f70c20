/**
 * Failover time in simulation: start a cluster, let it elect, kill the leader at a random moment,
 * and measure virtual time until a new leader holds a majority in a newer term. Compares
 * next-in-line succession with the plain pre-vote baseline (where split votes cause a slow tail),
 * and, with `scenarios`, adds the chaos fault mix around the kill (paused, cut off or restarted
 * followers; see `failover-faults.ts`).
 */
import { seededRandom } from '../time/random.js';
import type { ElectionAlgorithmName } from './algorithm.js';
import { type FailoverScenario, planScenario } from './failover-faults.js';
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
  /**
   * What else goes wrong around each kill; trial i runs `scenarios[i % length]`. Default: only
   * the leader dies (`clean`).
   */
  scenarios?: readonly FailoverScenario[];
  /** The election algorithm (default `bully`; `succession` applies to bully only). */
  algorithm?: ElectionAlgorithmName;
  /**
   * Register reads every 10 ms on every node (only the leader acts on them), so leaders ask for
   * read-lease promises all along: what leases cost at failover. Default false (no reads, no
   * promises).
   */
  registerReads?: boolean;
}

/** Failover times of one scenario (virtual ms). */
export interface ScenarioResult {
  samples: number[];
  p50: number;
  p99: number;
  max: number;
  /**
   * p99 of the time past the moment the victim was usable again (a paused follower resumed, a
   * cut-off one reconnected): the part of the failover the election itself controls. In a
   * three-node cluster nobody can win while the only other survivor is unreachable.
   */
  p99AfterAvailable: number;
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
  /** Messages sent from each kill until a new leader held a majority (one entry per sample). */
  messages: number[];
  /** Most nodes that logged `became-leader` for one term, over every trial (1 when safe). */
  maxLeadersPerTerm: number;
  /** Per scenario (only those run). */
  byScenario: Partial<Record<FailoverScenario, ScenarioResult>>;
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
  const perScenario = new Map<FailoverScenario, { samples: number[]; after: number[] }>();
  const messages: number[] = [];
  let extraRounds = 0;
  let failed = 0;
  let maxLeadersPerTerm = 0;
  for (let t = 0; t < opts.trials; t++) {
    const scenario = opts.scenarios?.[t % opts.scenarios.length] ?? 'clean';
    const sim = new SimulatedCluster({
      members,
      seed: Math.floor(rng() * 2 ** 32),
      election: { ...opts.election, succession: opts.succession },
      ...(opts.network === undefined ? {} : { network: opts.network }),
      ...(opts.algorithm === undefined ? {} : { algorithm: opts.algorithm }),
    });
    sim.startAll();
    if (opts.registerReads === true) {
      const reads = () => {
        for (const m of members) sim.readOn(m);
        sim.scheduler.setTimer(10, reads);
      };
      reads();
    }
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
    if (scenario !== 'clean') {
      // Plan around a kill 2 s from now, on a follower of the current leader.
      const leader = sim.majorityLeader()?.leader;
      const followers = members.filter((m) => m !== leader);
      const victim = followers[Math.floor(rng() * followers.length)] ?? members[0]!;
      const plan = planScenario(scenario, members, rng);
      const killAt = sim.now + 2000;
      for (const a of plan.actions) sim.scheduler.setTimer(killAt + a.at - sim.now, () => a.run(sim, victim));
      // Run up to the kill (actions after the kill stay queued and run during the failover).
      sim.run(2000);
      (
        perScenario.get(scenario) ?? perScenario.set(scenario, { samples: [], after: [] }).get(scenario)!
      ).after.push(plan.availableAfterMs);
    }
    before = sim.majorityLeader();
    if (before === undefined) {
      failed++;
      perScenario.get(scenario)?.after.pop();
      continue;
    }
    sim.crash(before.leader);
    const killedAt = sim.now;
    const sentBefore = sim.messagesSent;
    let after = sim.majorityLeader();
    while ((after === undefined || after.term <= before.term) && sim.now - killedAt < boundMs) {
      sim.run(1);
      after = sim.majorityLeader();
    }
    if (after === undefined || after.term <= before.term) {
      failed++;
      perScenario.get(scenario)?.after.pop();
      continue;
    }
    const byTerm = new Map<number, Set<number>>();
    for (const l of sim.leaders) byTerm.set(l.term, (byTerm.get(l.term) ?? new Set()).add(l.node));
    for (const nodes of byTerm.values()) maxLeadersPerTerm = Math.max(maxLeadersPerTerm, nodes.size);
    const terms = new Set(sim.leaders.filter((l) => l.at >= killedAt).map((l) => l.term));
    const maxTermSeen = Math.max(...members.map((m) => sim.persisted(m).term));
    if (maxTermSeen > before.term + 1 || terms.size > 1) extraRounds++;
    samples.push(sim.now - killedAt);
    messages.push(sim.messagesSent - sentBefore);
    (
      perScenario.get(scenario) ?? perScenario.set(scenario, { samples: [], after: [] }).get(scenario)!
    ).samples.push(sim.now - killedAt);
  }
  const byScenario: Partial<Record<FailoverScenario, ScenarioResult>> = {};
  for (const [scenario, { samples: ms, after }] of perScenario) {
    byScenario[scenario] = {
      samples: ms,
      p50: quantile(ms, 0.5),
      p99: quantile(ms, 0.99),
      max: ms.length === 0 ? Number.NaN : Math.max(...ms),
      p99AfterAvailable: quantile(
        ms.map((x, i) => x - Math.max(0, after[i] ?? 0)),
        0.99,
      ),
    };
  }
  return {
    maxLeadersPerTerm,
    byScenario,
    samples,
    p50: quantile(samples, 0.5),
    p99: quantile(samples, 0.99),
    max: samples.length === 0 ? Number.NaN : Math.max(...samples),
    extraRounds,
    failed,
    messages,
  };
}
