/**
 * The election algorithms side by side in the deterministic simulator (virtual time, seeded):
 * per algorithm and cluster size, failover after the leader is killed (time, messages sent until
 * a new leader holds a majority, how often it took more than one term, leaders per term) and a
 * partition that cuts the leader off with a minority, then heals (time until the whole cluster
 * follows one leader again, whether the minority ever elected). Under `candidates` the three
 * highest ranks are the candidates ({@link candidatesOf}).
 */
import {
  ELECTION_ALGORITHMS,
  type ElectionAlgorithmName,
  simulateFailover,
  simulateHeal,
} from '@accord/sync-server/testing';

/** One row of the comparison (the `pnpm election:compare --json` contract fields, plus a few). */
export interface CompareRow {
  algorithm: ElectionAlgorithmName;
  nodes: number;
  trials: number;
  failoverP50Ms: number | null;
  failoverP99Ms: number | null;
  /** Mean messages sent from the kill until a new leader held a majority. */
  messagesPerElection: number | null;
  /** Share of failovers that needed more than one term (a split or failed round). */
  splitVoteRate: number | null;
  /** Most nodes that logged `became-leader` in one term (1: safe). */
  leadersPerTermMax: number;
  /** Failover trials with no new leader within the bound. */
  failed: number;
  /** Partition that heals: p50 of virtual ms from the heal until every node follows one leader. */
  healToOneLeaderMs: number | null;
  healToOneLeaderP99Ms: number | null;
  /** Whether a node on the minority side ever logged `became-leader` while cut off. */
  minorityEverLed: boolean;
  healFailed: number;
}

/** Options of {@link compareElections}. */
export interface CompareOptions {
  sizes: readonly number[];
  trials: number;
  seed: number;
  algorithms?: readonly ElectionAlgorithmName[];
}

/** The cluster sizes compared by default. */
export const COMPARE_SIZES = [3, 5, 7] as const;

const round = (x: number, digits = 1) =>
  Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : null;

/**
 * The candidates of an N-node cluster in the comparison: the three highest ranks (all of a
 * 3-node cluster), so the other N − 3 nodes never stand.
 */
export function candidatesOf(nodes: number): number[] {
  return Array.from({ length: Math.min(3, nodes) }, (_, i) => nodes - i);
}

/** Every algorithm at every size, in that order. Deterministic for a given seed. */
export function compareElections(opts: CompareOptions): CompareRow[] {
  const rows: CompareRow[] = [];
  const network = { minDelayMs: 0.2, maxDelayMs: 5 };
  for (const algorithm of opts.algorithms ?? ELECTION_ALGORITHMS) {
    for (const nodes of opts.sizes) {
      const election = algorithm === 'candidates' ? { candidates: candidatesOf(nodes) } : {};
      const f = simulateFailover({
        algorithm,
        nodes,
        trials: opts.trials,
        seed: opts.seed,
        succession: true,
        network,
        election,
      });
      const h = simulateHeal({
        algorithm,
        election,
        nodes,
        trials: Math.max(1, Math.ceil(opts.trials / 4)),
        seed: opts.seed,
        network,
      });
      const n = f.samples.length;
      rows.push({
        algorithm,
        nodes,
        trials: opts.trials,
        failoverP50Ms: round(f.p50),
        failoverP99Ms: round(f.p99),
        messagesPerElection: n === 0 ? null : round(f.messages.reduce((a, b) => a + b, 0) / n),
        splitVoteRate: n === 0 ? null : round(f.extraRounds / n, 3),
        leadersPerTermMax: Math.max(f.maxLeadersPerTerm, h.maxLeadersPerTerm),
        failed: f.failed,
        healToOneLeaderMs: round(h.p50),
        healToOneLeaderP99Ms: round(h.p99),
        minorityEverLed: h.minorityLed > 0,
        healFailed: h.failed,
      });
    }
  }
  return rows;
}

/** The rows as a Markdown table. */
export function markdownTable(rows: readonly CompareRow[]): string {
  const head = [
    'algorithm',
    'N',
    'failover p50 ms',
    'failover p99 ms',
    'messages / election',
    'split-vote rate',
    'leaders / term max',
    'heal → one leader p50 ms',
    'heal p99 ms',
    'minority ever led',
  ];
  const cell = (v: unknown) => (v === null ? '–' : String(v));
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => ' --- ').join('|')}|`];
  for (const r of rows) {
    lines.push(
      `| ${[
        r.algorithm,
        r.nodes,
        r.failoverP50Ms,
        r.failoverP99Ms,
        r.messagesPerElection,
        r.splitVoteRate,
        r.leadersPerTermMax,
        r.healToOneLeaderMs,
        r.healToOneLeaderP99Ms,
        r.minorityEverLed ? 'yes' : 'no',
      ]
        .map(cell)
        .join(' | ')} |`,
    );
  }
  return lines.join('\n');
}
