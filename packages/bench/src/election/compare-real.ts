/**
 * The stretch rows of `pnpm election:compare --real`: every algorithm on real relay processes
 * (the chaos harness: loopback proxies, one writing client), N = 3 and 5, kill -9 of the leader
 * `trials` times each; failover until another node logs `became-leader` in a newer term.
 * Messages and split votes are not observable from outside the processes (reported as null).
 */
import { ELECTION_ALGORITHMS, type ElectionAlgorithmName } from '@accord/sync-server/testing';
import { percentile } from '../chaos/checkers.js';
import { runFailoverTrials } from '../chaos/failover-trials.js';
import { candidatesOf } from './compare.js';

/** One real-process row. */
export interface RealCompareRow {
  mode: 'real';
  algorithm: ElectionAlgorithmName;
  nodes: number;
  trials: number;
  failoverP50Ms: number | null;
  failoverP99Ms: number | null;
  messagesPerElection: null;
  splitVoteRate: null;
  leadersPerTermMax: number;
  /** Kills after which no new leader appeared within 10 s. */
  unrecovered: number;
}

/** The cluster sizes of the real-process rows. */
export const REAL_SIZES = [3, 5] as const;

const round = (x: number) => (Number.isFinite(x) ? Math.round(x) : null);

/** Run the real-process trials, one row per algorithm and size; `onRow` sees each as it ends. */
export async function compareReal(
  trials: number,
  seed: number,
  onRow: (row: RealCompareRow) => void = () => {},
): Promise<RealCompareRow[]> {
  const rows: RealCompareRow[] = [];
  for (const algorithm of ELECTION_ALGORITHMS) {
    for (const nodes of REAL_SIZES) {
      const nodeArgs = ['--election', algorithm];
      if (algorithm === 'candidates') nodeArgs.push('--candidates', candidatesOf(nodes).join(','));
      const r = await runFailoverTrials(trials, { nodes, clients: 1, seed, nodeArgs });
      const row: RealCompareRow = {
        mode: 'real',
        algorithm,
        nodes,
        trials,
        failoverP50Ms: round(percentile(r.samplesMs, 0.5)),
        failoverP99Ms: round(percentile(r.samplesMs, 0.99)),
        messagesPerElection: null,
        splitVoteRate: null,
        leadersPerTermMax: r.maxLeadersPerTerm,
        unrecovered: r.unrecovered,
      };
      rows.push(row);
      onRow(row);
    }
  }
  return rows;
}
