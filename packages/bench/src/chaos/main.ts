/**
 * `pnpm chaos [--schedules 20] [--seed S] [--nodes 3] [--clients 6] [--duration 4000] [--witness] [--json]`:
 * seeded fault schedules (kill -9, SIGSTOP/SIGCONT, partitions through loopback proxies, restarts)
 * against real relay node processes with writing clients. Schedule i uses seed S + i; a failing
 * schedule prints the command that replays it. Exit code 1 when any check fails. With `--witness`
 * the highest-ranked node runs as a witness replica (3 nodes: 2 full + 1 witness); writers and
 * reads use the full nodes only, and the same checkers run on them.
 * `pnpm chaos --failover-trials 40` instead kills the leader 40 times and reports failover times;
 * `pnpm chaos --simulate-failover 1000` runs the election simulation (virtual time) with and
 * without next-in-line succession. `--election bully|candidates|invitation|ring` picks the
 * algorithm every node runs (default bully; passed to the node processes, echoed in the JSON).
 * `--lease-ms N` is passed to every node (register read leases; 0: off) and echoed as `leaseMs`.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import {
  ELECTION_ALGORITHMS,
  type ElectionAlgorithmName,
  FAILOVER_SCENARIOS,
  isElectionAlgorithm,
  simulateFailover,
} from '@accord/sync-server/testing';
import { percentile } from './checkers.js';
import { summarizeCauses } from './failover-causes.js';
import { runFailoverTrials } from './failover-trials.js';
import { runSchedule, type ScheduleResult } from './run-schedule.js';
import { addSessionViolations, noSessionViolations } from './sessions.js';

const VALUE_FLAGS = [
  'schedules',
  'seed',
  'nodes',
  'clients',
  'duration',
  'election',
  'simulate-failover',
  'failover-trials',
  'lease-ms',
] as const;

/**
 * The flags, parsed strictly: an unknown flag, a missing value or a stray argument exits with
 * status 2 and a one-line message (every command does; DESIGN.md).
 */
function parseFlags(argv: string[]): {
  values: Record<string, string | undefined>;
  json: boolean;
  witness: boolean;
} {
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        ...Object.fromEntries(VALUE_FLAGS.map((f) => [f, { type: 'string' as const }])),
        json: { type: 'boolean' },
        witness: { type: 'boolean' },
      },
    });
    const all = values as Record<string, string | boolean | undefined>;
    const strings: Record<string, string | undefined> = {};
    for (const f of VALUE_FLAGS) {
      const v = all[f];
      strings[f] = typeof v === 'string' ? v : undefined;
    }
    return { values: strings, json: values.json === true, witness: values.witness === true };
  } catch (e) {
    process.stderr.write(`chaos: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}\n`);
    process.exit(2);
  }
}

let parsed: ReturnType<typeof parseFlags> | null = null;

/** The parsed flags (parsed once). */
function flagsOf(argv: string[]): ReturnType<typeof parseFlags> {
  if (parsed === null) parsed = parseFlags(argv);
  return parsed;
}

function flag(argv: string[], name: string): string | undefined {
  return flagsOf(argv).values[name];
}

function int(argv: string[], name: string, fallback: number): number {
  const v = flag(argv, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) {
    process.stderr.write(`chaos: --${name} expects a non-negative integer, got "${v}"\n`);
    process.exit(2);
  }
  return n;
}

/** `--election NAME` (default bully); an unknown name exits with status 2. */
function electionFlag(argv: string[]): ElectionAlgorithmName {
  const v = flag(argv, 'election') ?? 'bully';
  if (!isElectionAlgorithm(v)) {
    process.stderr.write(`chaos: --election must be one of ${ELECTION_ALGORITHMS.join(', ')}, got "${v}"\n`);
    process.exit(2);
  }
  return v;
}

/** A schedule the harness could not run counts as failed, with the reason. */
function failedRun(seed: number, problem: string): ScheduleResult {
  return {
    seed,
    steps: [],
    acked: 0,
    lost: 0,
    maxLeadersPerTerm: 0,
    snapshotOrderViolations: 0,
    snapshotEvents: 0,
    snapshotsCommitted: 0,
    snapshotsCommittedDuringPartitions: 0,
    minorityCommitViolations: 0,
    converged: false,
    failoversMs: [],
    failoverCauses: [],
    unrecoveredFailovers: 0,
    writeGapsMs: [],
    slowWriteGaps: [],
    requests: 0,
    survivorWrites: 0,
    survivorFailedWrites: 0,
    yield: 0,
    harvest: 0,
    sessionViolations: noSessionViolations(),
    writesFollowReadsExamples: [],
    sessionReadsChecked: 0,
    sessionProbes: 0,
    sessionBehind: 0,
    casOps: 0,
    casIndeterminate: 0,
    casLatenciesMs: [],
    casReadLatenciesMs: [],
    linearizable: 'unknown',
    problems: [problem],
  };
}

/** Failovers slower than this are listed with their trace (`slowFailovers`). */
const SLOW_MS = 600;

const round = (x: number) => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : null);

async function main(argv: string[]): Promise<number> {
  const schedules = int(argv, 'schedules', 20);
  const seed = int(argv, 'seed', Date.now() % 2 ** 31);
  const nodes = int(argv, 'nodes', 3);
  const clients = int(argv, 'clients', 6);
  const durationMs = int(argv, 'duration', 4000);
  const json = flagsOf(argv).json;
  const election = electionFlag(argv);
  const leaseArg = flag(argv, 'lease-ms');
  const leaseMs = leaseArg === undefined ? null : int(argv, 'lease-ms', 0);
  if (leaseMs !== null && leaseMs !== 0 && (leaseMs < 11 || leaseMs > 300)) {
    // what the relay accepts with the default election timeout (300-600 ms)
    process.stderr.write(`chaos: --lease-ms must be 0 (off) or between 11 and 300, got ${leaseMs}\n`);
    process.exit(2);
  }
  const nodeArgs = ['--election', election, ...(leaseMs === null ? [] : ['--lease-ms', String(leaseMs)])];
  const witnesses = flagsOf(argv).witness ? 1 : 0;
  if (witnesses > 0 && (election === 'ring' || election === 'invitation')) {
    process.stderr.write(`chaos: --witness works with --election bully or candidates, not ${election}\n`);
    process.exit(2);
  }
  if (witnesses >= nodes) {
    process.stderr.write('chaos: --witness needs --nodes 2 or more (a full node must remain)\n');
    process.exit(2);
  }
  const simulated = int(argv, 'simulate-failover', 0);
  if (simulated > 0) {
    for (const tick of [1, 50]) {
      // succession on/off is a bully variant; the other algorithms run once per tick
      for (const succession of election === 'bully' ? [true, false] : [true]) {
        const r = simulateFailover({
          algorithm: election,
          nodes,
          trials: simulated,
          seed,
          succession,
          election: { timeoutTickMs: tick },
          network: { minDelayMs: 0.2, maxDelayMs: 5 },
        });
        const out = {
          mode: 'simulated-failover',
          election,
          nodes,
          trials: simulated,
          succession,
          timeoutTickMs: tick,
          failoverP50Ms: round(r.p50),
          failoverP99Ms: round(r.p99),
          failoverMaxMs: round(r.max),
          extraRounds: r.extraRounds,
          failed: r.failed,
        };
        process.stdout.write(`${JSON.stringify(out)}\n`);
      }
    }
    // The chaos fault mix around each kill (failover-faults.ts), one line per scenario: without
    // register reads (no read-lease promises asked) and with reads all along (leases in use).
    for (const registerReads of [false, true]) {
      const mix = simulateFailover({
        algorithm: election,
        nodes,
        trials: simulated * FAILOVER_SCENARIOS.length,
        seed,
        succession: true,
        scenarios: FAILOVER_SCENARIOS,
        network: { minDelayMs: 0.2, maxDelayMs: 5 },
        registerReads,
        ...(leaseMs === null ? {} : { election: { leasePromiseMs: leaseMs } }),
      });
      for (const [scenario, r] of Object.entries(mix.byScenario)) {
        const out = {
          mode: 'simulated-failover-faults',
          election,
          nodes,
          registerReads,
          scenario,
          trials: r.samples.length,
          failoverP50Ms: round(r.p50),
          failoverP99Ms: round(r.p99),
          failoverMaxMs: round(r.max),
          p99AfterAvailableMs: round(r.p99AfterAvailable),
          maxLeadersPerTerm: mix.maxLeadersPerTerm,
        };
        process.stdout.write(`${JSON.stringify(out)}
`);
      }
    }
    return 0;
  }
  const trials = int(argv, 'failover-trials', 0);
  if (trials > 0) {
    const r = await runFailoverTrials(trials, { nodes, clients: Math.min(clients, nodes), seed, nodeArgs });
    const out = {
      mode: 'failover-trials',
      election,
      nodes,
      trials,
      seed,
      failoverP50Ms: round(percentile(r.samplesMs, 0.5)),
      failoverP99Ms: round(percentile(r.samplesMs, 0.99)),
      failoverMaxMs: round(Math.max(...r.samplesMs)),
      unrecovered: r.unrecovered,
      writeGapP50Ms: round(percentile(r.writeGapsMs, 0.5)),
      writeGapP99Ms: round(percentile(r.writeGapsMs, 0.99)),
      maxLeadersPerTerm: r.maxLeadersPerTerm,
      acked: r.acked,
      survivorWrites: r.survivorWrites,
      survivorFailedWrites: r.survivorFailedWrites,
      samplesMs: r.samplesMs,
      slowTraces: r.slowTraces,
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return r.unrecovered === 0 && r.maxLeadersPerTerm <= 1 && r.survivorFailedWrites === 0 ? 0 : 1;
  }
  // The command that replays one schedule exactly as this run drove it (same fault schedule).
  const replay = (s: number) =>
    `pnpm chaos --seed ${s} --schedules 1 --nodes ${nodes} --clients ${clients} --duration ${durationMs} --election ${election}${witnesses > 0 ? ' --witness' : ''}`;
  const results: ScheduleResult[] = [];
  const loadAtStart = loadavg()[0] ?? 0;
  const log = (s: string) => {
    if (!json) process.stderr.write(`${s}\n`);
  };
  log(
    `chaos: ${schedules} schedules from seed ${seed}, ${nodes} nodes (${witnesses} witness), ${clients} writing clients, ${election} election`,
  );
  for (let i = 0; i < schedules; i++) {
    const s = seed + i;
    let r: ScheduleResult;
    try {
      r = await runSchedule(s, { nodes, clients, durationMs, writeEveryMs: 40, nodeArgs, witnesses });
    } catch (e) {
      r = failedRun(s, `harness error: ${e instanceof Error ? e.message : String(e)}`);
    }
    results.push(r);
    const kinds = r.steps.map((x) => (x.action === 'partition' ? `partition:${x.kind}` : x.action)).join(' ');
    log(
      `  seed ${s}: acked ${r.acked} lost ${r.lost} leaders/term ${r.maxLeadersPerTerm} converged ${r.converged} ` +
        `snapshots ${r.snapshotsCommitted} cas ${r.casOps}/${r.casIndeterminate}? ${r.linearizable} survivor-failed ${r.survivorFailedWrites}/${r.survivorWrites} failover ${r.failoverCauses.map((c) => `${Math.round(c.ms)}(${c.cause})`).join(' ') || '-'} ms [${kinds}]${r.problems.length > 0 ? ` PROBLEMS: ${r.problems.join('; ')}` : ''}`,
    );
    if (r.problems.length > 0) {
      process.stderr.write(
        `chaos: schedule ${s} failed (${r.problems.join('; ')}); replay with: ${replay(s)}\n`,
      );
    }
  }
  const failovers = results.flatMap((r) => r.failoversMs);
  const netFailovers = results.flatMap((r) => r.failoverCauses.map((c) => Math.max(0, c.ms - c.floorMs)));
  const gaps = results.flatMap((r) => r.writeGapsMs);
  const casLatencies = results.flatMap((r) => r.casLatenciesMs);
  const casReadLatencies = results.flatMap((r) => r.casReadLatenciesMs);
  const totalReq = results.reduce((s, r) => s + r.requests, 0);
  const summary = {
    election,
    leaseMs,
    schedules,
    seed,
    nodes,
    witnesses,
    acked: results.reduce((s, r) => s + r.acked, 0),
    lost: results.reduce((s, r) => s + r.lost, 0),
    maxLeadersPerTerm: Math.max(0, ...results.map((r) => r.maxLeadersPerTerm)),
    snapshotOrderViolations: results.reduce((s, r) => s + r.snapshotOrderViolations, 0),
    snapshotEvents: results.reduce((s, r) => s + r.snapshotEvents, 0),
    snapshotsCommitted: results.reduce((s, r) => s + r.snapshotsCommitted, 0),
    snapshotsCommittedDuringPartitions: results.reduce((s, r) => s + r.snapshotsCommittedDuringPartitions, 0),
    minorityCommitViolations: results.reduce((s, r) => s + r.minorityCommitViolations, 0),
    converged: results.every((r) => r.converged),
    failovers: failovers.length,
    failoverP50Ms: round(percentile(failovers, 0.5)),
    failoverP99Ms: round(percentile(failovers, 0.99)),
    // Past the schedule's own floor (a majority reachable again: see FailoverCause.floorMs).
    failoverNetP50Ms: round(percentile(netFailovers, 0.5)),
    failoverNetP99Ms: round(percentile(netFailovers, 0.99)),
    failoverCauses: summarizeCauses(results.flatMap((r) => r.failoverCauses)),
    unrecoveredFailovers: results.reduce((s, r) => s + r.unrecoveredFailovers, 0),
    writeGapP99Ms: round(percentile(gaps, 0.99)),
    survivorWrites: results.reduce((s, r) => s + r.survivorWrites, 0),
    survivorFailedWrites: results.reduce((s, r) => s + r.survivorFailedWrites, 0),
    yield: round(totalReq === 0 ? 1 : results.reduce((s, r) => s + r.yield * r.requests, 0) / totalReq),
    harvest: round(results.reduce((s, r) => s + r.harvest, 0) / Math.max(1, results.length)),
    sessionViolations: results.reduce(
      (s, r) => addSessionViolations(s, r.sessionViolations),
      noSessionViolations(),
    ),
    sessionReadsChecked: results.reduce((s, r) => s + r.sessionReadsChecked, 0),
    writesFollowReadsExamples: results
      .flatMap((r) => r.writesFollowReadsExamples.map((e) => `seed ${r.seed}: ${e}`))
      .slice(0, 5),
    sessionProbes: results.reduce((s, r) => s + r.sessionProbes, 0),
    sessionBehind: results.reduce((s, r) => s + r.sessionBehind, 0),
    linearizable: results.every((r) => r.linearizable === 'linearizable'),
    casOps: results.reduce((s, r) => s + r.casOps, 0),
    casIndeterminate: results.reduce((s, r) => s + r.casIndeterminate, 0),
    casP50Ms: round(percentile(casLatencies, 0.5)),
    casP99Ms: round(percentile(casLatencies, 0.99)),
    /** Failed compare-and-sets (value ≠ expected: reads, answered under a lease or after a round). */
    casReads: casReadLatencies.length,
    casReadP50Ms: round(percentile(casReadLatencies, 0.5)),
    casReadP99Ms: round(percentile(casReadLatencies, 0.99)),
    /** Schedules whose register history the checker could not decide within its work bound. */
    linearizabilityUnknown: results.filter((r) => r.linearizable === 'unknown').length,
    slowFailovers: results
      .flatMap((r) => r.failoverCauses.map((c) => ({ seed: r.seed, ...c })))
      .filter((c) => c.ms > SLOW_MS)
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 10),
    slowWriteGaps: results
      .flatMap((r) => r.slowWriteGaps.map((g) => ({ seed: r.seed, ...g })))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 10),
    /** 1-minute load average at the start and the end (2 cores here): read latencies with it. */
    loadAvg1: [round(loadAtStart), round(loadavg()[0] ?? 0)],
    failedSeeds: results.filter((r) => r.problems.length > 0).map((r) => r.seed),
    replay: results.filter((r) => r.problems.length > 0).map((r) => replay(r.seed)),
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  return summary.failedSeeds.length === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`chaos: harness error: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
