/**
 * Run one seeded fault schedule against a real cluster of node processes with writing clients,
 * then heal, let everything settle, read every node, and run the checkers.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkConverged,
  checkLeadersPerTerm,
  checkLost,
  checkMinorityCommits,
  checkSnapshotOrder,
  checkSurvivorWrites,
  computeHarvest,
  computeYield,
  failoverTimes,
  faultWindows,
  sidesAt,
  writeGapDetails,
} from './checkers.js';
import { ClusterHarness } from './cluster-harness.js';
import { readDiskState } from './disk-state.js';
import type { AckEvent, FaultEvent, RequestEvent } from './events.js';
import { explainFailovers, type FailoverCause } from './failover-causes.js';
import { checkLinearizable, HistoryError, type LinearizabilityVerdict } from './linearizability.js';
import { RegisterClient } from './register-clients.js';
import { type FaultStep, generateSchedule, seeded } from './schedule.js';
import {
  checkMonotonicWrites,
  checkProbes,
  checkWritesFollowReads,
  type SessionProbe,
  type SessionViolations,
} from './sessions.js';
import { explainGap, SLOW_GAP_MS, type SlowWriteGap } from './slow-write-gaps.js';
import { ANSWER_MS, ChaosWriter, readFresh } from './writers.js';

export { SLOW_GAP_MS, type SlowWriteGap } from './slow-write-gaps.js';

/** Options of {@link runSchedule}. */
export interface RunOptions {
  nodes: number;
  clients: number;
  durationMs: number;
  writeEveryMs: number;
  /** Relay flags for every node (e.g. `--election ring`). Default none. */
  nodeArgs?: readonly string[];
  /** Witness replicas (the highest ids): writers and reads use only the other (full) nodes. */
  witnesses?: number;
}

/** The checked outcome of one schedule. */
export interface ScheduleResult {
  seed: number;
  steps: FaultStep[];
  acked: number;
  lost: number;
  maxLeadersPerTerm: number;
  snapshotOrderViolations: number;
  snapshotEvents: number;
  snapshotsCommitted: number;
  /** Snapshots committed while a partition was in force (the checker requires the majority side). */
  snapshotsCommittedDuringPartitions: number;
  minorityCommitViolations: number;
  converged: boolean;
  failoversMs: number[];
  /** Each failover explained: what the survivors did and what else was wrong (see `failover-causes.ts`). */
  failoverCauses: FailoverCause[];
  unrecoveredFailovers: number;
  writeGapsMs: number[];
  /** Write gaps longer than {@link SLOW_GAP_MS}, each with what else was wrong and the client's log. */
  slowWriteGaps: SlowWriteGap[];
  requests: number;
  /** Writes made during faults through nodes that survived them, and how many of those failed. */
  survivorWrites: number;
  survivorFailedWrites: number;
  yield: number;
  harvest: number;
  /** Session-guarantee violations (see `sessions.ts`). */
  sessionViolations: SessionViolations;
  /** Examples of writes-follow-reads violations (a write, the read it followed, the read that saw it). */
  writesFollowReadsExamples: string[];
  /** Fresh reads of a node checked for monotonic writes and writes-follow-reads. */
  sessionReadsChecked: number;
  /** Sessions resumed elsewhere after a failover, and how many of those nodes said `behind`. */
  sessionProbes: number;
  sessionBehind: number;
  /** Register operations (`provider.cas`) issued during the schedule, and how many got no definite answer. */
  casOps: number;
  casIndeterminate: number;
  /** Invocation-to-answer times of the register operations that got a definite answer (ms). */
  casLatenciesMs: number[];
  /** Latencies of the answered compare-and-sets that failed (value ≠ expected): the reads. */
  casReadLatenciesMs: number[];
  /** The linearizability checker's verdict on the register history. */
  linearizable: LinearizabilityVerdict;
  problems: string[];
}

/** Register clients per schedule (`provider.cas` on two keys of the schedule's document). */
const REGISTER_CLIENTS = 3;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

async function until<T>(fn: () => Promise<T | null>, ms: number, everyMs = 25): Promise<T | null> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== null || Date.now() > end) return v;
    await sleep(everyMs);
  }
}

/** Run schedule `seed`; never throws for a failed check (see `problems`), only for harness errors. */
export async function runSchedule(seed: number, opts: RunOptions): Promise<ScheduleResult> {
  const steps = generateSchedule(seed, { nodes: opts.nodes, durationMs: opts.durationMs });
  const rnd = seeded(seed ^ 0x5bd1e995);
  const dataDir = mkdtempSync(join(tmpdir(), 'accord-chaos-'));
  const witnessIds = Array.from({ length: opts.witnesses ?? 0 }, (_, i) => opts.nodes - i);
  const h = await ClusterHarness.start(opts.nodes, dataDir, opts.nodeArgs ?? [], witnessIds);
  // Clients and reads go to full replicas only: a witness serves no documents.
  const full = h.fullIds;
  const faults: FaultEvent[] = [];
  const writers: ChaosWriter[] = [];
  const registers: RegisterClient[] = [];
  const reads: Promise<{ expected: number; visible: number }>[] = [];
  /** Every key set a fresh read of one node returned (for the monotonic-writes and WFR checks). */
  const observed: { keys: ReadonlySet<string>; from: string }[] = [];
  const problems: string[] = [];
  const docId = `chaos-${seed}`;
  try {
    if ((await until(() => h.majorityLeader(), 10_000)) === null)
      problems.push('no initial leader within 10 s');
    for (let i = 0; i < opts.clients; i++) {
      const first = i % full.length;
      const urls = full.map((_, k) => h.url(full[(first + k) % full.length]!));
      writers.push(new ChaosWriter(`c${i}`, urls, docId));
    }
    for (let i = 0; i < REGISTER_CLIENTS; i++) {
      const first = i % opts.nodes;
      const urls = h.ids.map((_, k) => h.url(h.ids[(first + k) % opts.nodes]!));
      registers.push(
        new RegisterClient(`r${i}`, urls, docId, () => performance.now(), seeded(seed * 31 + i)),
      );
    }
    for (const w of writers) w.start(opts.writeEveryMs);
    for (const r of registers) r.start(50);
    await sleep(500);

    const t0 = Date.now();
    const record = (fault: FaultEvent['fault'], nodes: number[], extra: Partial<FaultEvent> = {}) =>
      faults.push({ kind: 'fault', fault, nodes, at: Date.now(), ...extra });
    const harvestRead = () => {
      const live = full.filter((id) => h.isUp(id));
      const id = live[Math.floor(rnd() * live.length)];
      if (id === undefined) return;
      const acked = new Set(writers.flatMap((w) => w.acks.map((a) => a.key)));
      reads.push(
        readFresh(h.url(id), docId, 2000).then((r) => {
          if (r !== null)
            observed.push({
              keys: r.keys,
              from: `read of n${id} at +${Date.now() - t0} ms, readQuorum ${r.readQuorum}`,
            });
          return {
            expected: acked.size,
            visible: r === null ? 0 : [...acked].filter((k) => r.keys.has(k)).length,
          };
        }),
      );
    };
    for (const step of steps) {
      await sleep(t0 + step.at - Date.now());
      const leader = step.action === 'heal' || step.action === 'restart' ? null : await h.majorityLeader();
      switch (step.action) {
        case 'kill': {
          const target = step.target === 'leader' ? (leader?.leader ?? h.ids[0]!) : step.target;
          const wasLeader = leader !== null && leader.leader === target;
          record('kill', [target], wasLeader ? { leaderTerm: leader.term } : {});
          await h.kill(target);
          break;
        }
        case 'restart':
          for (const id of h.ids) {
            if (!h.isUp(id)) {
              h.resume(id);
              await h
                .startNode(id)
                .catch((e: unknown) => problems.push(`restart of ${id} failed: ${String(e)}`));
              record('restart', [id]);
            }
          }
          break;
        case 'stop': {
          const target = step.target === 'leader' ? (leader?.leader ?? h.ids[0]!) : step.target;
          h.pause(target);
          record('stop', [target]);
          setTimeout(() => {
            h.resume(target);
            record('cont', [target]);
          }, step.forMs);
          break;
        }
        case 'partition': {
          const groups = step.kind === 'leader-isolated' ? [[leader?.leader ?? h.ids[0]!]] : step.groups;
          h.mesh.partition(groups);
          record('partition', groups.flat(), { groups });
          break;
        }
        case 'heal':
          h.mesh.heal();
          record('heal', []);
          break;
      }
      if (step.action !== 'heal' && step.action !== 'restart') setTimeout(harvestRead, 300);
    }
    await sleep(1000);
    for (const w of writers) w.stopWriting();
    await Promise.all(registers.map((r) => r.stop()));
    const drained = await Promise.all(writers.map((w) => w.drain(15_000)));
    if (drained.some((d) => !d)) problems.push(`${drained.filter((d) => !d).length} clients never drained`);
    await sleep(500);

    const holders = new Map<string, Map<string, Set<string>>>();
    for (const w of writers) holders.set(w.name, new Map([[docId, w.keys()]]));
    for (const id of full) {
      const r = await readFresh(h.url(id), docId, 10_000);
      if (r === null) problems.push(`node ${id} did not serve a final read`);
      else observed.push({ keys: r.keys, from: `final read of n${id}` });
      holders.set(`node-${id}`, new Map([[docId, r?.keys ?? new Set()]]));
    }
    // Each node's own durable state, read from its SQLite file once every process is gone.
    await sleep(500);
    for (const w of writers) w.destroy();
    for (const r of registers) r.destroy();
    await h.close();
    const snapshotSeqsOnDisk: number[] = [];
    for (const id of full) {
      try {
        const disk = readDiskState(h.dataDirOf(id), id, docId);
        holders.set(`disk-${id}`, new Map([[docId, disk.keys]]));
        snapshotSeqsOnDisk.push(...disk.snapshotSeqs);
      } catch (e) {
        problems.push(`node ${id} storage unreadable: ${String(e)}`);
      }
    }
    const acks: AckEvent[] = writers.flatMap((w) => w.acks);
    const requests: RequestEvent[] = writers.flatMap((w) => w.requests);
    const lost = checkLost(acks, holders);
    const leaders = checkLeadersPerTerm(h.leaders);
    const snapshotViolations = checkSnapshotOrder(
      h.snapshotsAccepted,
      h.snapshotsCommitted,
      new Map([[docId, snapshotSeqsOnDisk]]),
    );
    const minority = checkMinorityCommits(
      h.snapshotsCommitted,
      faults,
      h.ids,
      h.snapshotsAccepted,
      h.snapshotsConfirmed,
    );
    const states = new Map([...holders].map(([k, v]) => [k, [...(v.get(docId) ?? [])].sort().join(',')]));
    const converged = checkConverged(states);
    const fo = failoverTimes(faults, h.leaders);
    const gaps = writeGapDetails(faults, acks);
    const windows = faultWindows(faults);
    const survivors = checkSurvivorWrites(requests, faults, h.ids, ANSWER_MS);
    const harvestReads = await Promise.all(reads);
    const probes: SessionProbe[] = await Promise.all(writers.flatMap((w) => w.probes));
    for (const p of probes)
      if (p.status !== 'failed')
        observed.push({ keys: p.seen, from: `${p.client}'s session resumed on n${p.node}` });
    const freshReads = observed.map((o) => o.keys);
    const wfrExamples: string[] = [];
    const deps = new Map(writers.map((w) => [w.name, w.deps]));
    const sessionViolations: SessionViolations = {
      ...checkProbes(probes),
      monotonicWrites: checkMonotonicWrites(freshReads),
      writesFollowReads: checkWritesFollowReads(freshReads, deps, (i, what) => {
        if (wfrExamples.length < 3) wfrExamples.push(`${what} in the ${observed[i]?.from}`);
      }),
    };
    // Every session guarantee is promised: a violation fails the schedule. Writes-follow-reads
    // across nodes rests on causal forwarding (a node holds a forwarded write until it has what
    // the write followed), and a witness hands its single updates over stamped, so a full replica
    // takes each in only after what it followed (see docs/consistency.md).
    const promised = ['readYourWrites', 'monotonicReads', 'monotonicWrites', 'writesFollowReads'] as const;
    for (const name of promised)
      if (sessionViolations[name] > 0) problems.push(`${sessionViolations[name]} ${name} violations`);
    const history = registers.flatMap((r) => r.history);
    let linearizable: LinearizabilityVerdict = 'unknown';
    try {
      linearizable = checkLinearizable(history, { maxSteps: 2_000_000 }).verdict;
    } catch (e) {
      if (!(e instanceof HistoryError)) throw e;
      problems.push(`register history malformed: ${e.message}`);
    }
    if (linearizable !== 'linearizable') {
      problems.push(`register history ${linearizable} (${history.length} ops)`);
      // With CHAOS_LOG_DIR set, keep the history for a look (one JSON file per seed).
      const dir = process.env.CHAOS_LOG_DIR;
      if (dir !== undefined)
        writeFileSync(join(dir, `register-history-${seed}.json`), JSON.stringify(history));
    }
    if (lost.lost > 0)
      problems.push(`${lost.lost} acknowledged updates lost (e.g. ${JSON.stringify(lost.missing[0])})`);
    for (const v of leaders.violations) problems.push(`term ${v.term} had leaders ${v.leaders.join(',')}`);
    if (!converged) problems.push('final states differ');
    for (const v of [...snapshotViolations, ...minority].slice(0, 5)) problems.push(`snapshot: ${v}`);
    if (survivors.failed > 0) {
      problems.push(
        `${survivors.failed} of ${survivors.writes} writes through surviving nodes failed (e.g. ${survivors.examples
          .map((x) => `${x.client} via node ${x.node} at +${x.at - t0} ms`)
          .join(
            ', ',
          )}; faults: ${faults.map((f) => `+${f.at - t0} ${f.fault} ${f.nodes.join(',')}`).join(', ')})`,
      );
    }
    if (fo.unrecovered > 0) problems.push(`${fo.unrecovered} leader kills without a new leader`);
    return {
      seed,
      steps,
      acked: lost.acked,
      lost: lost.lost,
      maxLeadersPerTerm: leaders.maxLeadersPerTerm,
      snapshotOrderViolations: snapshotViolations.length,
      snapshotEvents: h.snapshotsAccepted.length + h.snapshotsCommitted.length,
      snapshotsCommitted: h.snapshotsCommitted.length,
      snapshotsCommittedDuringPartitions: h.snapshotsCommitted.filter(
        (c) => sidesAt(faults, h.ids, c.at).length > 1,
      ).length,
      minorityCommitViolations: minority.length,
      converged,
      failoversMs: fo.samples,
      failoverCauses: explainFailovers(faults, h.leaders, h.electionLog, h.ids),
      unrecoveredFailovers: fo.unrecovered,
      writeGapsMs: gaps.map((g) => g.ms),
      slowWriteGaps: gaps
        .filter((g) => g.ms > SLOW_GAP_MS)
        .map((g) => explainGap(g, faults, h.ids, writers, (id) => h.url(id))),
      requests: requests.length,
      survivorWrites: survivors.writes,
      survivorFailedWrites: survivors.failed,
      yield: computeYield(requests, windows),
      harvest: computeHarvest(harvestReads),
      sessionViolations,
      writesFollowReadsExamples: wfrExamples,
      sessionReadsChecked: observed.length,
      sessionProbes: probes.length,
      sessionBehind: probes.filter((p) => p.status === 'behind').length,
      casOps: history.length,
      casIndeterminate: history.filter((o) => o.returnAt === null).length,
      casLatenciesMs: history.flatMap((o) => (o.returnAt === null ? [] : [o.returnAt - o.invokeAt])),
      casReadLatenciesMs: history.flatMap((o) =>
        o.returnAt === null || o.result?.ok !== false ? [] : [o.returnAt - o.invokeAt],
      ),
      linearizable,
      problems,
    };
  } finally {
    for (const r of registers) r.destroy();
    for (const w of writers) w.destroy();
    await h.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
