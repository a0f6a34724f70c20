/**
 * The witness side of transient replication: what a witness (`--witness`) does with the updates
 * it holds. It stores each update a full replica forwards (counting toward W), and, every
 * `probeEveryMs`, offers each full replica that has not confirmed them the updates it still holds
 * of a document (its log up to position `upTo`, each update with the stamp its origin forwarded
 * it with, in one `witness-offer` with a probe id). A full replica takes in what it lacks once
 * what it follows is there (so a replica that missed updates while only the witness and a dead
 * node held them gets them here; see `WitnessIntake`) and acknowledges once it holds them all
 * durably; the acknowledgement confirms that replica up to `upTo`. Once `pruneAt` full replicas confirmed
 * a position (see `prunableUpTo`), the witness drops its log up to there.
 *
 * Probes are answered with `replicate-ack` (the witness never originates client writes, so every
 * id it acknowledges is a probe id). At most one probe per (document, replica) is in
 * flight; one lost with its link is dropped when the link comes back or after `probeTimeoutMs`.
 * Each round looks at no more than `maxDocsPerRound` documents, oldest pending first.
 */
import type { NodeId } from '../election/types.js';
import type { Scheduler, TimerHandle } from '../time/scheduler.js';
import type { ClusterMessage, WitnessEntry } from './messages.js';
import { prunableUpTo } from './witness-quorum.js';

/** The parts of the node's store and log a witness reads and prunes. */
export interface WitnessStore {
  documents(): string[];
  /** Log position of the document's last entry (0: none). */
  lastSeq(docId: string): number;
}

/** What a witness offers of one document: stamped entries in log order, read up to position `upTo`. */
export interface HeldOffer {
  readonly entries: WitnessEntry[];
  readonly upTo: number;
}

/** What a {@link WitnessHolder} needs from its node. */
export interface WitnessHolderDeps {
  store: WitnessStore;
  /** The held entries of a document after log position `after`, as much as one offer takes. */
  entries: (docId: string, after: number) => HeldOffer;
  /** Drops a document's log entries up to a position; returns how many went. */
  drop: (docId: string, upTo: number) => number;
  /** The full replicas (never this node, never another witness). */
  fullPeers: readonly NodeId[];
  /** Full replicas that must confirm a position before it is dropped. */
  pruneAt: number;
  scheduler: Scheduler;
  send: (to: NodeId, m: ClusterMessage) => void;
  /** Whether the link to a peer is up (no probe is sent into a down link). */
  isUp: (peer: NodeId) => boolean;
  /** Time between rounds (ms). Default 200. */
  probeEveryMs?: number;
  /** A probe not acknowledged in this time is sent again (ms). Default 5000. */
  probeTimeoutMs?: number;
  /** Documents looked at per round. Default 64. */
  maxDocsPerRound?: number;
  /** Called after entries of a document were dropped. */
  onDropped?: (docId: string, entries: number, upTo: number) => void;
}

interface Probe {
  readonly docId: string;
  readonly peer: NodeId;
  readonly upTo: number;
  readonly timer: TimerHandle;
}

/** A witness's held updates: probes, confirmations, pruning. One per witness node. */
export class WitnessHolder {
  private readonly d: WitnessHolderDeps;
  /** Documents with entries not yet dropped, oldest pending first. */
  private readonly pending = new Set<string>();
  /** Per document, the highest log position each full replica confirmed. */
  private readonly confirmed = new Map<string, Map<NodeId, number>>();
  private readonly probes = new Map<number, Probe>();
  private lastProbeId = 0;
  private round: TimerHandle | null = null;
  private stopped = false;

  constructor(deps: WitnessHolderDeps) {
    if (deps.fullPeers.length < deps.pruneAt)
      throw new RangeError(`witness: ${deps.fullPeers.length} full peers cannot confirm ${deps.pruneAt}`);
    this.d = deps;
  }

  /** Begin: every stored document is pending (a restarted witness may hold entries). */
  start(): void {
    for (const docId of this.d.store.documents()) this.pending.add(docId);
    this.arm();
  }

  /** Stop every timer. */
  stop(): void {
    this.stopped = true;
    this.round?.cancel();
    this.round = null;
    for (const p of this.probes.values()) p.timer.cancel();
    this.probes.clear();
  }

  /** Documents with entries still held. */
  get pendingDocuments(): number {
    return this.pending.size;
  }

  /** Probes awaiting an acknowledgement. */
  get probesInFlight(): number {
    return this.probes.size;
  }

  /** An update of `docId` was stored durably here. */
  held(docId: string): void {
    this.pending.add(docId);
  }

  /** The link to `peer` came (back) up: probes sent before were lost with the old link. */
  peerUp(peer: NodeId): void {
    for (const [id, p] of this.probes) {
      if (p.peer !== peer) continue;
      p.timer.cancel();
      this.probes.delete(id);
    }
  }

  /**
   * A `replicate-ack` from `from`: if it answers a probe of that peer about that document, the
   * peer now holds the document up to the probe's position; drop what enough replicas hold.
   * Anything else (a stale, forged or misdirected id) is ignored.
   */
  acked(from: NodeId, probeId: number, docId: string): void {
    const p = this.probes.get(probeId);
    if (p === undefined || p.peer !== from || p.docId !== docId) return;
    p.timer.cancel();
    this.probes.delete(probeId);
    let byPeer = this.confirmed.get(docId);
    if (byPeer === undefined) {
      byPeer = new Map();
      this.confirmed.set(docId, byPeer);
    }
    byPeer.set(from, Math.max(byPeer.get(from) ?? 0, p.upTo));
    this.prune(docId, byPeer);
  }

  /** One round now (the timer calls this; tests may too). */
  runRound(): void {
    const max = this.d.maxDocsPerRound ?? 64;
    const batch = [...this.pending].slice(0, max);
    for (const docId of batch) {
      // Oldest pending first: a document looked at goes to the back of the line.
      this.pending.delete(docId);
      if (this.visit(docId)) this.pending.add(docId);
    }
  }

  private arm(): void {
    if (this.stopped) return;
    this.round = this.d.scheduler.setTimer(this.d.probeEveryMs ?? 200, () => {
      this.round = null;
      try {
        this.runRound();
      } finally {
        this.arm();
      }
    });
  }

  /** Prune and probe one document; returns whether it still holds entries. */
  private visit(docId: string): boolean {
    const byPeer = this.confirmed.get(docId) ?? new Map<NodeId, number>();
    this.prune(docId, byPeer);
    const last = this.d.store.lastSeq(docId);
    if (last === 0) {
      this.confirmed.delete(docId);
      return false;
    }
    const ask = this.d.fullPeers.filter(
      (p) => (byPeer.get(p) ?? 0) < last && !this.inFlight(docId, p) && this.d.isUp(p),
    );
    if (ask.length === 0) return true; // nothing to offer now: the document is not even read
    for (const peer of ask) {
      // What was read covers the log up to `offer.upTo` (maybe past `last`: an entry stored since;
      // maybe short of it: the rest goes in a later round, once this part is confirmed).
      const offer = this.d.entries(docId, byPeer.get(peer) ?? 0);
      if (offer.upTo > 0) this.probe(docId, peer, offer);
    }
    return true;
  }

  private probe(docId: string, peer: NodeId, offer: HeldOffer): void {
    this.lastProbeId = this.lastProbeId >= Number.MAX_SAFE_INTEGER ? 1 : this.lastProbeId + 1;
    const id = this.lastProbeId;
    const timer = this.d.scheduler.setTimer(this.d.probeTimeoutMs ?? 5000, () => this.probes.delete(id));
    this.probes.set(id, { docId, peer, upTo: offer.upTo, timer });
    this.d.send(peer, { type: 'witness-offer', docId, probeId: id, reqId: 0, entries: offer.entries });
  }

  private inFlight(docId: string, peer: NodeId): boolean {
    for (const p of this.probes.values()) if (p.docId === docId && p.peer === peer) return true;
    return false;
  }

  private prune(docId: string, byPeer: ReadonlyMap<NodeId, number>): void {
    const upTo = prunableUpTo([...byPeer.values()], this.d.pruneAt);
    if (upTo <= 0) return;
    const dropped = this.d.drop(docId, upTo);
    if (dropped > 0) this.d.onDropped?.(docId, dropped, upTo);
  }
}
