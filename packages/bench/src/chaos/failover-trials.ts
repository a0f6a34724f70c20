/**
 * Failover trials on real processes: one cluster behind the proxies, writing clients on every
 * node, then repeatedly kill -9 the leader and measure until another node logs that it became
 * leader of a newer term (it won a majority of votes), restart the killed node, let it settle.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkLeadersPerTerm, checkSurvivorWrites, failoverTimes, writeGaps } from './checkers.js';
import { ClusterHarness } from './cluster-harness.js';
import type { FaultEvent } from './events.js';
import { seeded } from './schedule.js';
import { ANSWER_MS, ChaosWriter } from './writers.js';

/** Outcome of {@link runFailoverTrials}. */
export interface FailoverTrialsResult {
  trials: number;
  samplesMs: number[];
  unrecovered: number;
  writeGapsMs: number[];
  maxLeadersPerTerm: number;
  acked: number;
  /** Writes made through the surviving nodes between a kill and the restart, and failed ones. */
  survivorWrites: number;
  survivorFailedWrites: number;
  /** Election events around each failover slower than one maximum election timeout + 200 ms. */
  slowTraces: { trial: number; ms: number; events: string[] }[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** Run `trials` leader kills; `seed` picks the moment of each kill within a heartbeat interval. */
export async function runFailoverTrials(
  trials: number,
  opts: { nodes: number; clients: number; seed: number; nodeArgs?: readonly string[] },
): Promise<FailoverTrialsResult> {
  const rnd = seeded(opts.seed);
  const dataDir = mkdtempSync(join(tmpdir(), 'accord-failover-'));
  const h = await ClusterHarness.start(opts.nodes, dataDir, opts.nodeArgs ?? []);
  const writers: ChaosWriter[] = [];
  const faults: FaultEvent[] = [];
  const slowTraces: FailoverTrialsResult['slowTraces'] = [];
  try {
    for (let i = 0; i < opts.clients; i++) {
      const first = i % opts.nodes;
      const urls = h.ids.map((_, k) => h.url(h.ids[(first + k) % opts.nodes]!));
      writers.push(new ChaosWriter(`f${i}`, urls, 'failover'));
    }
    for (const w of writers) w.start(100);
    for (let t = 0; t < trials; t++) {
      let leader = await h.majorityLeader();
      for (let i = 0; i < 200 && leader === null; i++) {
        await sleep(25);
        leader = await h.majorityLeader();
      }
      if (leader === null) throw new Error(`trial ${t}: no stable leader before the kill`);
      await sleep(rnd() * 100);
      const at = Date.now();
      faults.push({ kind: 'fault', fault: 'kill', nodes: [leader.leader], leaderTerm: leader.term, at });
      await h.kill(leader.leader);
      const end = Date.now() + 10_000;
      while (Date.now() < end && !h.leaders.some((l) => l.term > leader.term && l.node !== leader.leader)) {
        await sleep(5);
      }
      const won = h.leaders.find((l) => l.term > leader.term && l.node !== leader.leader && l.at >= at);
      if (won !== undefined && won.at - at > 800) {
        slowTraces.push({
          trial: t,
          ms: won.at - at,
          events: h.electionLog
            .filter((e) => e.at >= at - 100 && e.at <= won.at)
            .map((e) => `+${e.at - at}ms node ${e.node} ${JSON.stringify(e.event)}`),
        });
      }
      await h.startNode(leader.leader);
      faults.push({ kind: 'fault', fault: 'restart', nodes: [leader.leader], at: Date.now() });
      await sleep(1000);
    }
    for (const w of writers) w.stopWriting();
    await Promise.all(writers.map((w) => w.drain(10_000)));
    const fo = failoverTimes(faults, h.leaders);
    const survivors = checkSurvivorWrites(
      writers.flatMap((w) => w.requests),
      faults,
      h.ids,
      ANSWER_MS,
    );
    return {
      trials,
      samplesMs: fo.samples,
      unrecovered: fo.unrecovered,
      writeGapsMs: writeGaps(
        faults,
        writers.flatMap((w) => w.acks),
      ),
      maxLeadersPerTerm: checkLeadersPerTerm(h.leaders).maxLeadersPerTerm,
      acked: writers.reduce((s, w) => s + w.acks.length, 0),
      survivorWrites: survivors.writes,
      survivorFailedWrites: survivors.failed,
      slowTraces,
    };
  } finally {
    for (const w of writers) w.destroy();
    await h.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
