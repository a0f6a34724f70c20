/**
 * Why a failover took as long as it did: for every kill -9 of a leader, what the surviving nodes
 * were doing between the kill and the next leader (which timer fired first, how many pre-vote,
 * bully and vote rounds they ran and how those ended, which successor list they believed in) and
 * what else was wrong at the time (a node paused or just resumed, a partition in force or just
 * healed, a node just restarted). Pure functions over the run's records, like the checkers; the
 * chaos JSON reports the result as `failoverCauses` (count and percentiles per path).
 */
import { percentile } from './checkers.js';
import type { FaultEvent, LeaderEvent } from './events.js';

/** One election event from a node's own log, stamped with the node's wall-clock time. */
export interface ElectionLogEntry {
  node: number;
  at: number;
  event: Record<string, unknown>;
}

/**
 * What else was going on when the leader died, most constraining first:
 * `peer-paused` (a survivor was SIGSTOPped during the failover), `peer-down` (another node was
 * killed and not yet back), `partition` (a partition was in force), `after-resume`,
 * `after-heal`, `after-restart` (that repair happened within {@link RECENT_MS} before the kill),
 * `clean` (nothing else).
 */
export type FailoverContext =
  | 'peer-paused'
  | 'peer-down'
  | 'partition'
  | 'after-resume'
  | 'after-heal'
  | 'after-restart'
  | 'clean';

/**
 * What the survivors did, the first that applies: `vote-retry` (more than one vote round),
 * `pre-vote-retry` (some pre-vote round ended without a majority), `bully-timeout` (a node waited
 * out a successor that never answered), `handoff` (a successor answered `alive` and won),
 * `direct` (one pre-vote, one vote), `none` (no survivor logged a round: the log was cut short).
 */
export type FailoverPath = 'vote-retry' | 'pre-vote-retry' | 'bully-timeout' | 'handoff' | 'direct' | 'none';

/** A repair this recent before a kill still shapes the failover (ms). */
export const RECENT_MS = 1000;

/** One explained failover. */
export interface FailoverCause {
  /** Kill to the next leader's `became-leader`, in ms (as `failoverTimes` measures it). */
  ms: number;
  context: FailoverContext;
  path: FailoverPath;
  /** `context/path`: the key of the breakdown. */
  cause: string;
  /**
   * Kill to the moment a majority of all nodes could talk again (not killed, not paused, on one
   * side of any partition), ms; 0 when a majority was there at the kill. No node can win an
   * election before then: the schedule's own floor under this failover.
   */
  floorMs: number;
  /** Kill to the first round any survivor started (how long detection took), ms; null if none. */
  detectMs: number | null;
  /** What started that first round (`election-timeout`, `elect`, ...). */
  firstCause: string | null;
  preVoteRounds: number;
  preVoteTimeouts: number;
  bullyRounds: number;
  bullyTimeouts: number;
  deferrals: number;
  voteRounds: number;
  /** Survivors paused at some moment of the failover. */
  paused: number[];
  /** Partition sides in force at some moment of the failover. */
  partitioned: boolean;
  /** A compact timeline: `+ms node event`, from the kill. */
  trace: string[];
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/**
 * Nodes in a fault state at some moment in [from, to]: those in it at `from` and those that
 * entered it later in the window. `enter` puts a node in the state, `leave` takes it out.
 */
function inStateDuring(
  faults: readonly FaultEvent[],
  from: number,
  to: number,
  enter: FaultEvent['fault'],
  leave: FaultEvent['fault'],
): Set<number> {
  const state = new Set<number>();
  const seen = new Set<number>();
  for (const f of [...faults].sort((a, b) => a.at - b.at)) {
    if (f.at > to) break;
    for (const n of f.nodes) {
      if (f.fault === enter) state.add(n);
      if (f.fault === leave) state.delete(n);
    }
    if (f.at <= from) {
      seen.clear();
      for (const n of state) seen.add(n);
    } else if (f.fault === enter) for (const n of f.nodes) seen.add(n);
  }
  return seen;
}

/** Whether a partition is in force at some moment in [from, to]. */
function partitionedDuring(faults: readonly FaultEvent[], from: number, to: number): boolean {
  let inForce = false;
  for (const f of [...faults].sort((a, b) => a.at - b.at)) {
    if (f.at > to) break;
    if (f.fault === 'partition') {
      inForce = true;
      if (f.at >= from) return true;
    }
    if (f.fault === 'heal') {
      if (inForce && f.at >= from) return true;
      inForce = false;
    }
  }
  return inForce;
}

function recent(faults: readonly FaultEvent[], kind: FaultEvent['fault'], at: number): boolean {
  return faults.some((f) => f.fault === kind && f.at <= at && at - f.at <= RECENT_MS);
}

/**
 * When, after `kill`, a majority of all `members` could talk again: not killed (or restarted),
 * not paused, and on one side of any partition in force. `kill.at` when a majority was there at
 * the kill; null when it did not come back by `endAt`.
 */
export function majorityBackAt(
  kill: FaultEvent,
  endAt: number,
  faults: readonly FaultEvent[],
  members: readonly number[],
): number | null {
  const down = new Set<number>();
  const paused = new Set<number>();
  let groups: readonly (readonly number[])[] | null = null;
  const majority = Math.floor(members.length / 2) + 1;
  const apply = (f: FaultEvent) => {
    for (const n of f.nodes) {
      if (f.fault === 'kill') down.add(n);
      else if (f.fault === 'restart') down.delete(n);
      else if (f.fault === 'stop') paused.add(n);
      else if (f.fault === 'cont') paused.delete(n);
    }
    if (f.fault === 'partition') groups = f.groups ?? null;
    else if (f.fault === 'heal') groups = null;
  };
  const ok = () =>
    (groups ?? [members]).some(
      (side) => side.filter((n) => members.includes(n) && !down.has(n) && !paused.has(n)).length >= majority,
    );
  const sorted = [...faults].sort((a, b) => a.at - b.at);
  for (const f of sorted) if (f.at <= kill.at) apply(f);
  if (!sorted.includes(kill)) apply(kill);
  if (ok()) return kill.at;
  for (const f of sorted) {
    if (f.at <= kill.at) continue;
    if (f.at > endAt) break;
    apply(f);
    if (ok()) return f.at;
  }
  return null;
}

/**
 * Explain one failover: the kill `kill`, the next leader at `endAt`; `members` (every node id)
 * gives the schedule's floor (`floorMs`, 0 without them).
 */
export function explainFailover(
  kill: FaultEvent,
  endAt: number,
  faults: readonly FaultEvent[],
  log: readonly ElectionLogEntry[],
  members: readonly number[] = [],
): FailoverCause {
  const ms = endAt - kill.at;
  const back = members.length === 0 ? null : majorityBackAt(kill, endAt, faults, members);
  const floorMs = back === null ? 0 : back - kill.at;
  const mine = log
    .filter((e) => !kill.nodes.includes(e.node) && e.at >= kill.at && e.at <= endAt)
    .sort((a, b) => a.at - b.at);
  const count = (type: string, phase: string, extra?: (e: Record<string, unknown>) => boolean) =>
    mine.filter(
      (e) => e.event.type === type && e.event.phase === phase && (extra === undefined || extra(e.event)),
    ).length;
  const preVoteRounds = count('phase-started', 'pre-vote');
  const preVoteTimeouts = count('phase-ended', 'pre-vote', (e) => e.outcome === 'timed-out');
  const bullyRounds = count('phase-started', 'bully');
  const bullyTimeouts = count('phase-ended', 'bully', (e) => e.outcome === 'timed-out');
  const deferrals = count('phase-ended', 'bully', (e) => e.outcome === 'deferred');
  const voteRounds = new Set(
    mine.filter((e) => e.event.type === 'phase-started' && e.event.phase === 'vote').map((e) => e.event.term),
  ).size;
  const voteTimeouts = count('phase-ended', 'vote', (e) => e.outcome === 'timed-out');
  const first = mine.find((e) => e.event.type === 'phase-started');
  const others = (s: Set<number>) => [...s].filter((n) => !kill.nodes.includes(n));
  const paused = others(inStateDuring(faults, kill.at, endAt, 'stop', 'cont'));
  const partitioned = partitionedDuring(faults, kill.at, endAt);
  const down = others(inStateDuring(faults, kill.at, endAt, 'kill', 'restart'));
  const context: FailoverContext =
    paused.length > 0
      ? 'peer-paused'
      : down.length > 0
        ? 'peer-down'
        : partitioned
          ? 'partition'
          : recent(faults, 'cont', kill.at)
            ? 'after-resume'
            : recent(faults, 'heal', kill.at)
              ? 'after-heal'
              : recent(faults, 'restart', kill.at)
                ? 'after-restart'
                : 'clean';
  const path: FailoverPath =
    voteRounds > 1 || voteTimeouts > 0
      ? 'vote-retry'
      : preVoteTimeouts > 0
        ? 'pre-vote-retry'
        : bullyTimeouts > 0
          ? 'bully-timeout'
          : deferrals > 0
            ? 'handoff'
            : preVoteRounds > 0 || voteRounds > 0
              ? 'direct'
              : 'none';
  const trace = mine
    .filter((e) => e.event.type !== 'term-changed')
    .map((e) => {
      const ev = e.event;
      const what =
        ev.type === 'phase-started'
          ? `${str(ev.phase)} started (${str(ev.cause)}) succ=${JSON.stringify(ev.successors)}`
          : ev.type === 'phase-ended'
            ? `${str(ev.phase)} ${str(ev.outcome)} ${JSON.stringify(ev.granted)}`
            : `${str(ev.type)} t${String(ev.term)}`;
      return `+${Math.round(e.at - kill.at)} n${e.node} ${what}`;
    });
  for (const f of faults) {
    if (f.at > kill.at && f.at <= endAt)
      trace.push(`+${Math.round(f.at - kill.at)} fault ${f.fault} ${f.nodes.join(',')}`);
  }
  return {
    ms,
    context,
    path,
    cause: `${context}/${path}`,
    floorMs,
    detectMs: first === undefined ? null : first.at - kill.at,
    firstCause: first === undefined ? null : str(first.event.cause),
    preVoteRounds,
    preVoteTimeouts,
    bullyRounds,
    bullyTimeouts,
    deferrals,
    voteRounds,
    paused,
    partitioned,
    trace: trace.slice(0, 40),
  };
}

/**
 * Explain every leader kill of a run that found a new leader (the same pairs `failoverTimes`
 * measures: the first leader of a newer term, on another node, logged after the kill).
 */
export function explainFailovers(
  faults: readonly FaultEvent[],
  leaders: readonly LeaderEvent[],
  log: readonly ElectionLogEntry[],
  members: readonly number[] = [],
): FailoverCause[] {
  const out: FailoverCause[] = [];
  for (const f of faults) {
    if (f.fault !== 'kill' || f.leaderTerm === undefined) continue;
    const term = f.leaderTerm;
    const next = leaders
      .filter((l) => l.term > term && l.at >= f.at && !f.nodes.includes(l.node))
      .sort((a, b) => a.at - b.at)[0];
    if (next !== undefined) out.push(explainFailover(f, next.at, faults, log, members));
  }
  return out;
}

/** The breakdown of the chaos JSON: per `context/path`, how many and how long (ms). */
export type FailoverCauses = Record<string, { count: number; p50Ms: number; p99Ms: number; maxMs: number }>;

/** Summarize explained failovers by cause, most frequent first. */
export function summarizeCauses(causes: readonly FailoverCause[]): FailoverCauses {
  const by = new Map<string, number[]>();
  for (const c of causes) by.set(c.cause, [...(by.get(c.cause) ?? []), c.ms]);
  const out: FailoverCauses = {};
  for (const [cause, ms] of [...by].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))) {
    out[cause] = {
      count: ms.length,
      p50Ms: Math.round(percentile(ms, 0.5)),
      p99Ms: Math.round(percentile(ms, 0.99)),
      maxMs: Math.round(Math.max(...ms)),
    };
  }
  return out;
}
