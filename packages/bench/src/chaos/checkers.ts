/**
 * Pure checkers over a chaos run's records: nothing lost, one leader per term, ordered and fenced
 * snapshots, no snapshot committed by a minority, convergence, yield and harvest, failover and
 * client write-gap times. Each returns numbers for the report plus human-readable violations.
 */
import type {
  AckEvent,
  FaultEvent,
  LeaderEvent,
  SnapshotAcceptedEvent,
  SnapshotCommittedEvent,
  SnapshotConfirmedEvent,
} from './events.js';

/** Acknowledged updates missing from some holder. */
export interface LostReport {
  acked: number;
  lost: number;
  missing: { holder: string; docId: string; key: string }[];
}

/**
 * Every acknowledged update must be present in every holder's final state. `holders` maps a node
 * or client name to, per document, the set of update keys its final state contains.
 */
export function checkLost(
  acks: readonly AckEvent[],
  holders: ReadonlyMap<string, ReadonlyMap<string, ReadonlySet<string>>>,
): LostReport {
  const unique = new Map<string, AckEvent>();
  for (const a of acks) unique.set(`${a.docId}\u0000${a.key}`, a);
  const missing: LostReport['missing'] = [];
  const lostKeys = new Set<string>();
  for (const [id, a] of unique) {
    for (const [holder, docs] of holders) {
      if (!docs.get(a.docId)?.has(a.key)) {
        missing.push({ holder, docId: a.docId, key: a.key });
        lostKeys.add(id);
      }
    }
  }
  return { acked: unique.size, lost: lostKeys.size, missing };
}

/** Leaders per term, from every node's own log. */
export interface LeadersReport {
  maxLeadersPerTerm: number;
  violations: { term: number; leaders: number[] }[];
}

/** At most one node may claim leadership of any term. */
export function checkLeadersPerTerm(events: readonly LeaderEvent[]): LeadersReport {
  const byTerm = new Map<number, Set<number>>();
  for (const e of events) byTerm.set(e.term, (byTerm.get(e.term) ?? new Set()).add(e.node));
  let max = 0;
  const violations: LeadersReport['violations'] = [];
  for (const [term, nodes] of byTerm) {
    max = Math.max(max, nodes.size);
    if (nodes.size > 1) violations.push({ term, leaders: [...nodes].sort((a, b) => a - b) });
  }
  return { maxLeadersPerTerm: max, violations };
}

/**
 * Snapshot order per document: each node stores strictly increasing (term, seq) and never from a
 * term older than it promised; committed seqs are unique with non-decreasing terms; and every seq
 * up to the highest committed one was stored by some node (no gap), as its log says or, for a
 * log line lost to SIGKILL, as its SQLite file (`storedOnDisk`: seqs per document) shows.
 */
export function checkSnapshotOrder(
  accepted: readonly SnapshotAcceptedEvent[],
  committed: readonly SnapshotCommittedEvent[],
  storedOnDisk: ReadonlyMap<string, readonly number[]> = new Map(),
): string[] {
  const v: string[] = [];
  const last = new Map<string, SnapshotAcceptedEvent>();
  const stored = new Map<string, Set<number>>();
  for (const e of [...accepted].sort((a, b) => a.at - b.at)) {
    if (e.term < e.promisedTerm) {
      v.push(
        `node ${e.node} stored ${e.docId} (${e.term},${e.seq}) from an old term (promised ${e.promisedTerm})`,
      );
    }
    const key = `${e.node}\u0000${e.docId}`;
    const prev = last.get(key);
    if (prev !== undefined && !(e.term > prev.term || (e.term === prev.term && e.seq > prev.seq))) {
      v.push(`node ${e.node} stored ${e.docId} (${e.term},${e.seq}) after (${prev.term},${prev.seq})`);
    }
    last.set(key, e);
    stored.set(e.docId, (stored.get(e.docId) ?? new Set()).add(e.seq));
  }
  const byDoc = new Map<string, SnapshotCommittedEvent[]>();
  for (const c of committed) byDoc.set(c.docId, [...(byDoc.get(c.docId) ?? []), c]);
  for (const [docId, list] of byDoc) {
    const uniq = new Map<string, SnapshotCommittedEvent>();
    for (const c of list) uniq.set(`${c.term}/${c.seq}`, c);
    const sorted = [...uniq.values()].sort((a, b) => a.seq - b.seq || a.term - b.term);
    for (let i = 1; i < sorted.length; i++) {
      const a = sorted[i - 1]!;
      const b = sorted[i]!;
      if (b.seq === a.seq) v.push(`${docId}: seq ${b.seq} committed in terms ${a.term} and ${b.term}`);
      else if (b.term < a.term)
        v.push(`${docId}: seq ${b.seq} (term ${b.term}) after seq ${a.seq} (term ${a.term})`);
    }
    const top = sorted.at(-1)?.seq ?? 0;
    const seen = new Set([...(stored.get(docId) ?? []), ...(storedOnDisk.get(docId) ?? [])]);
    for (let s = 1; s <= top; s++) if (!seen.has(s)) v.push(`${docId}: seq ${s} never stored (gap)`);
  }
  return v;
}

/** The partition sides in force at time `at`, from the fault log (no partition: one side of all). */
export function sidesAt(faults: readonly FaultEvent[], nodes: readonly number[], at: number): number[][] {
  let sides: number[][] = [[...nodes]];
  for (const f of [...faults].sort((a, b) => a.at - b.at)) {
    if (f.at > at) break;
    if (f.fault === 'heal') sides = [[...nodes]];
    if (f.fault === 'partition' && f.groups !== undefined) {
      const listed = new Set(f.groups.flat());
      const rest = nodes.filter((n) => !listed.has(n));
      sides = rest.length > 0 ? [...f.groups, rest] : f.groups.map((g) => [...g]);
    }
  }
  return sides;
}

/**
 * A snapshot commit needs a majority of all N nodes storing it, and a leader on a minority side of
 * a partition must never commit. Each acker other than the leader counts only if it stored the
 * snapshot while on the leader's side: its ack then crossed before any cut, even when the leader
 * logs the commit a few milliseconds after the partition began (an ack already delivered is not
 * taken back by the cut). An acker whose store was not logged is judged at the commit's time.
 * An acker that stored it earlier and answered a retransmission "stored" again (`confirmed`, at
 * or before the commit) also counts if that answer was given on the leader's side: the ack the
 * leader counted may be that later one (the first reply lost to the cut).
 * Returns violations.
 */
export function checkMinorityCommits(
  committed: readonly SnapshotCommittedEvent[],
  faults: readonly FaultEvent[],
  nodes: readonly number[],
  accepted: readonly SnapshotAcceptedEvent[] = [],
  confirmed: readonly SnapshotConfirmedEvent[] = [],
): string[] {
  const majority = Math.floor(nodes.length / 2) + 1;
  const keyOf = (e: { node: number; docId: string; term: number; seq: number }) =>
    `${e.node}\u0000${e.docId}\u0000${e.term}\u0000${e.seq}`;
  const storedAt = new Map<string, number>();
  for (const a of accepted) {
    const key = keyOf(a);
    storedAt.set(key, Math.min(storedAt.get(key) ?? a.at, a.at));
  }
  const confirmedAt = new Map<string, number[]>();
  for (const c of confirmed) confirmedAt.set(keyOf(c), [...(confirmedAt.get(keyOf(c)) ?? []), c.at]);
  const sideOf = (node: number, at: number) => sidesAt(faults, nodes, at).find((s) => s.includes(node)) ?? [];
  const v: string[] = [];
  for (const c of committed) {
    const ackers = new Set(c.ackers);
    if (ackers.size < majority)
      v.push(`${c.docId} (${c.term},${c.seq}) committed by ${ackers.size} < ${majority}`);
    let reachable = 1; // the leader itself
    for (const a of ackers) {
      if (a === c.node) continue;
      const key = keyOf({ node: a, docId: c.docId, term: c.term, seq: c.seq });
      const answers = [storedAt.get(key) ?? c.at, ...(confirmedAt.get(key) ?? []).filter((t) => t <= c.at)];
      if (answers.some((at) => sideOf(c.node, at).includes(a))) reachable++;
    }
    if (reachable < majority) {
      v.push(
        `${c.docId} (${c.term},${c.seq}) committed by node ${c.node} on a minority side [${sideOf(c.node, c.at).join(',')}]`,
      );
    }
  }
  return v;
}

/** True when every holder's final state (any comparable encoding, e.g. JSON) is the same. */
export function checkConverged(states: ReadonlyMap<string, string>): boolean {
  return new Set(states.values()).size <= 1;
}

/** Fraction of requests answered during fault windows (`yield`), 1 when there were none. */
export function computeYield(
  requests: readonly { at: number; answered: boolean }[],
  windows: readonly { from: number; to: number }[],
): number {
  const during = requests.filter((r) => windows.some((w) => r.at >= w.from && r.at < w.to));
  if (during.length === 0) return 1;
  return during.filter((r) => r.answered).length / during.length;
}

/** Fraction of acknowledged data visible to reads (`harvest`): sum(visible) / sum(expected). */
export function computeHarvest(reads: readonly { expected: number; visible: number }[]): number {
  const expected = reads.reduce((s, r) => s + r.expected, 0);
  if (expected === 0) return 1;
  return Math.min(1, reads.reduce((s, r) => s + Math.min(r.visible, r.expected), 0) / expected);
}

/**
 * Failover times: for every kill of a leader of term T, the time until some node became leader
 * of a newer term (winning requires a majority of votes). The killed node counts only once it was
 * restarted (with 2 full nodes + 1 witness, it may be the only one left that can lead). Kills
 * with no later leader are reported in `unrecovered`.
 */
export function failoverTimes(
  faults: readonly FaultEvent[],
  leaders: readonly LeaderEvent[],
): { samples: number[]; unrecovered: number } {
  const samples: number[] = [];
  let unrecovered = 0;
  for (const f of faults) {
    if (f.fault !== 'kill' || f.leaderTerm === undefined) continue;
    const restartAt = (node: number) =>
      faults.find((r) => r.fault === 'restart' && r.at >= f.at && r.nodes.includes(node))?.at;
    const next = leaders
      .filter((l) => {
        if (l.term <= f.leaderTerm! || l.at < f.at) return false;
        if (!f.nodes.includes(l.node)) return true;
        const back = restartAt(l.node);
        return back !== undefined && l.at >= back;
      })
      .sort((a, b) => a.at - b.at)[0];
    if (next === undefined) unrecovered++;
    else samples.push(next.at - f.at);
  }
  return { samples, unrecovered };
}

/** One client's write gap after a kill (see {@link writeGapDetails}). */
export interface WriteGap {
  client: string;
  /** The kill. */
  at: number;
  /** The killed nodes. */
  killed: number[];
  /** Whether a killed node was the leader. */
  leaderKilled: boolean;
  /** The ack that ended the gap. */
  ackAt: number;
  /** The node that gave it. */
  ackNode: number;
  ms: number;
}

/**
 * Client write gaps: for every killed node, each client whose last ack before the kill came
 * through that node waits until its next ack through another node.
 */
export function writeGapDetails(faults: readonly FaultEvent[], acks: readonly AckEvent[]): WriteGap[] {
  const gaps: WriteGap[] = [];
  const sorted = [...acks].sort((a, b) => a.at - b.at);
  for (const f of faults) {
    if (f.fault !== 'kill') continue;
    const lastNode = new Map<string, number>();
    for (const a of sorted) {
      if (a.at > f.at) break;
      lastNode.set(a.client, a.node);
    }
    for (const [client, node] of lastNode) {
      if (!f.nodes.includes(node)) continue;
      const next = sorted.find((a) => a.client === client && a.at > f.at && !f.nodes.includes(a.node));
      if (next === undefined) continue;
      gaps.push({
        client,
        at: f.at,
        killed: f.nodes,
        leaderKilled: f.leaderTerm !== undefined,
        ackAt: next.at,
        ackNode: next.node,
        ms: next.at - f.at,
      });
    }
  }
  return gaps;
}

/** The lengths of {@link writeGapDetails}, in ms. */
export function writeGaps(faults: readonly FaultEvent[], acks: readonly AckEvent[]): number[] {
  return writeGapDetails(faults, acks).map((g) => g.ms);
}

/** Nearest-rank percentile (q in 0..1) of `values`; NaN when empty. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

/** Nodes killed or paused at time `at`, from the fault log (restart and SIGCONT repair them). */
export function downAt(faults: readonly FaultEvent[], at: number): Set<number> {
  const down = new Set<number>();
  for (const f of [...faults].sort((a, b) => a.at - b.at)) {
    if (f.at > at) break;
    if (f.fault === 'kill' || f.fault === 'stop') for (const n of f.nodes) down.add(n);
    if (f.fault === 'restart' || f.fault === 'cont') for (const n of f.nodes) down.delete(n);
  }
  return down;
}

/**
 * Whether `node` survives at time `at`: it runs, and its side of any partition has a majority of
 * all N nodes running (so it can still gather W = majority copies of a write, leader or not).
 */
export function survivesAt(
  faults: readonly FaultEvent[],
  nodes: readonly number[],
  node: number,
  at: number,
): boolean {
  const down = downAt(faults, at);
  if (down.has(node)) return false;
  const side = sidesAt(faults, nodes, at).find((s) => s.includes(node)) ?? [];
  return side.filter((n) => !down.has(n)).length >= Math.floor(nodes.length / 2) + 1;
}

/** Writes made by clients of surviving nodes while a fault was in force. */
export interface SurvivorWritesReport {
  /** Writes made during faults through a node that survived them. */
  writes: number;
  /** Of those, the ones not acknowledged within the answer time. */
  failed: number;
  /** Up to five failed writes, for the report. */
  examples: { client: string; node: number; at: number }[];
}

/**
 * Clients on surviving nodes keep writing: every write a client makes while some fault is in
 * force, through a node that survives from the write until `answerMs` later (running, on a side
 * with a majority of running nodes), must be acknowledged within `answerMs`. Writes need W nodes,
 * not the leader, so killing or cutting off the leader must not fail them. Requests whose node is
 * unknown (`node` 0 or missing) are not counted.
 */
export function checkSurvivorWrites(
  requests: readonly { client: string; at: number; answered: boolean; node?: number }[],
  faults: readonly FaultEvent[],
  nodes: readonly number[],
  answerMs: number,
): SurvivorWritesReport {
  const windows = faultWindows(faults);
  const changes = faults.map((f) => f.at);
  let writes = 0;
  let failed = 0;
  const examples: SurvivorWritesReport['examples'] = [];
  for (const r of requests) {
    const node = r.node ?? 0;
    if (node === 0 || !windows.some((w) => r.at >= w.from && r.at < w.to)) continue;
    const checkpoints = [r.at, ...changes.filter((t) => t > r.at && t <= r.at + answerMs)];
    if (!checkpoints.every((t) => survivesAt(faults, nodes, node, t))) continue;
    writes++;
    if (!r.answered) {
      failed++;
      if (examples.length < 5) examples.push({ client: r.client, node, at: r.at });
    }
  }
  return { writes, failed, examples };
}

/** Time windows during which some fault was in force (a fault until its repair). */
export function faultWindows(faults: readonly FaultEvent[]): { from: number; to: number }[] {
  const windows: { from: number; to: number }[] = [];
  const open = new Map<string, number>();
  const end = Math.max(0, ...faults.map((f) => f.at));
  for (const f of [...faults].sort((a, b) => a.at - b.at)) {
    const node = f.nodes[0] ?? 0;
    if (f.fault === 'kill') open.set(`down-${node}`, f.at);
    else if (f.fault === 'stop') open.set(`stop-${node}`, f.at);
    else if (f.fault === 'partition') open.set('partition', f.at);
    const close = (key: string) => {
      const from = open.get(key);
      if (from !== undefined) windows.push({ from, to: f.at });
      open.delete(key);
    };
    if (f.fault === 'restart') close(`down-${node}`);
    if (f.fault === 'cont') close(`stop-${node}`);
    if (f.fault === 'heal') close('partition');
  }
  for (const from of open.values()) windows.push({ from, to: end });
  return windows;
}
