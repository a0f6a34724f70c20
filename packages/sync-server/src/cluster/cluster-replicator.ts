/**
 * The networked cluster layer of a relay node, plugged in through the relay's `Replicator` seam:
 * it drives the pure election state machine of the configured algorithm ({@link ElectionAlgorithm}) on a real scheduler over authenticated {@link PeerLinks},
 * persists term and vote in the node's SQLite (`meta` table, fsynced) before sending anything
 * that depends on them, acknowledges a client update once W nodes hold it durably, answers joins
 * from R nodes, and catches peers up by state-vector exchange whenever a link comes up
 * ({@link CatchUp}).
 *
 * Even an authenticated peer is not trusted to be bug-free: the codec range-checks every field,
 * acknowledgements count only for the update and document they name, snapshot messages count
 * only from the leader of their term, and a handler or timer that throws is logged and costs its
 * link (or its timer), never the process.
 *
 * Ordered snapshot numbering runs in {@link SnapshotReplication}. Not here: dynamic membership.
 */

import {
  coversVector,
  DecodeError,
  decodeStateVector,
  type PresenceEntry,
  type WriteConcern,
} from '@accord/core/protocol';
import type { ElectionAlgorithm } from '../election/algorithm.js';
import { createElection } from '../election/create-election.js';
import type { ElectionOutput, ElectionTimer, NodeId } from '../election/types.js';
import { type CasOutcome, RegisterReplication } from '../register/register-replication.js';
import type { CasRequest } from '../register/register-state.js';
import { RegisterStore } from '../register/register-store.js';
import type {
  ClusterStatus,
  ReplicaHost,
  Replicator,
  ReplicatorEvent,
  SnapshotNumber,
} from '../relay/replicator.js';
import { type ReadStateResult, ReplicationError } from '../relay/replicator.js';
import { RealScheduler, type Scheduler, type TimerHandle } from '../time/scheduler.js';
import { CatchUp } from './catch-up.js';
import type { ClusterReplicatorOptions } from './cluster-replicator-options.js';
import { ELECTION_META_KEY, readPersisted } from './election-state.js';
import { HeldSyncRequests } from './held-sync-requests.js';
import { LinkLog } from './link-log.js';
import type { ClusterMessage } from './messages.js';
import { deriveClusterKey } from './peer-auth.js';
import { DEFAULT_CLUSTER_LIMITS } from './peer-codec.js';
import { peerFaultReporter } from './peer-faults.js';
import { PeerLinks } from './peer-links.js';
import { QuorumReads } from './quorum-reads.js';
import { SnapshotReplication } from './snapshot-replication.js';
import { sendSplit } from './split-payloads.js';
import { WitnessIntake } from './witness-intake.js';
import { readAcrossWitnesses, resolveWitnessQuorum, type WitnessQuorum } from './witness-quorum.js';
import { WitnessRole } from './witness-role.js';
import { WriteReplication } from './write-replication.js';

/** {@link Replicator} for a node of an N-node cluster. */
export class ClusterReplicator implements Replicator {
  private readonly opts: ClusterReplicatorOptions;
  private readonly scheduler: Scheduler;
  private readonly members: NodeId[];
  private readonly quorum: WitnessQuorum;
  /** Whether (and how) joins read through the witnesses too; null: full replicas only. */
  private readonly readsAcross: { nodes: number } | null;
  private readonly witnesses: ReadonlySet<NodeId>;
  /** Peers that keep documents (every peer but the witnesses): reads and catch-up go to them. */
  private readonly fullPeers: NodeId[];
  /** Set by `start` when this node is a witness. */
  private witness: WitnessRole | null = null;
  /** Set by `start` on a full replica of a cluster with witnesses: takes in their hand-overs. */
  private intake: WitnessIntake | null = null;
  private readonly reads: QuorumReads;
  /** Sync requests from peers our link to was down when they asked, answered when it is up. */
  private readonly heldRequests = new HeldSyncRequests();
  private readonly timers = new Map<ElectionTimer, TimerHandle>();
  private readonly listeners = new Set<(e: ReplicatorEvent) => void>();
  private host: ReplicaHost | null = null;
  private election: ElectionAlgorithm | null = null;
  private links: PeerLinks | null = null;
  /** Logs link changes and quorum loss at warn (set by `start`). */
  private linkLog: LinkLog | null = null;
  private snapshots: SnapshotReplication | null = null;
  private catchUp: CatchUp | null = null;
  private register: RegisterReplication | null = null;
  /** Client writes out, peers' writes in (set by `start`). */
  private writeRepl: WriteReplication | null = null;
  private readonly maxPeerFrameBytes: number;

  constructor(options: ClusterReplicatorOptions) {
    // Throws RangeError for a short secret before anything starts.
    deriveClusterKey(options.clusterSecret);
    this.opts = options;
    this.scheduler = options.scheduler ?? new RealScheduler();
    this.members = [options.nodeId, ...options.peers.map((p) => p.id)].sort((a, b) => a - b);
    this.witnesses = new Set(options.witnesses ?? []);
    for (const w of this.witnesses)
      if (!this.members.includes(w)) throw new RangeError(`witness ${w} is not a cluster member`);
    this.fullPeers = options.peers.map((p) => p.id).filter((p) => !this.witnesses.has(p));
    this.quorum = resolveWitnessQuorum(
      this.members.length,
      this.witnesses.size,
      options.w ?? undefined,
      options.r ?? undefined,
    );
    // An explicit --read-quorum keeps its meaning: that many full replicas.
    this.readsAcross =
      options.r === undefined || options.r === null ? readAcrossWitnesses(this.quorum) : null;
    this.reads = new QuorumReads(this.scheduler);
    this.maxPeerFrameBytes = options.maxPeerFrameBytes ?? 32 * 1024 * 1024;
  }

  /** Whether this node is a witness replica. */
  get isWitness(): boolean {
    return this.witnesses.has(this.opts.nodeId);
  }

  /** The bound peer-link port (after start). */
  get peerPort(): number {
    return this.links?.port ?? 0;
  }

  async start(host: ReplicaHost): Promise<void> {
    this.host = host;
    const persisted = readPersisted(host.store.getMeta(ELECTION_META_KEY));
    const [min, max] = this.opts.electionTimeoutMs ?? [300, 600];
    this.election = createElection(
      this.opts.election ?? 'bully',
      {
        ...(this.opts.candidates ? { candidates: this.opts.candidates } : {}),
        id: this.opts.nodeId,
        members: this.members,
        heartbeatMs: this.opts.heartbeatMs ?? 50,
        electionTimeoutMinMs: min,
        electionTimeoutMaxMs: max,
        canLead: !this.isWitness,
        nonLeaders: [...this.witnesses],
        ...(this.opts.leasePromiseMs !== undefined ? { leasePromiseMs: this.opts.leasePromiseMs } : {}),
      },
      persisted,
    );
    this.snapshots = new SnapshotReplication({
      nodeId: this.opts.nodeId,
      members: this.members,
      host,
      electionTerm: persisted.term,
      send: (to, m) => this.send(to, m),
      everyUpdates: this.opts.snapshotEveryUpdates ?? 200,
      idleMs: this.opts.snapshotIdleMs ?? 0,
      keepVersions: this.opts.keepSnapshots ?? 50,
      keepsData: !this.isWitness,
      setTimer: (ms, fn) => this.scheduler.setTimer(ms, fn),
      onSnapshot: (docId) => {
        for (const l of this.listeners) l({ kind: 'snapshot', docId });
      },
    });
    this.register = new RegisterReplication({
      nodeId: this.opts.nodeId,
      members: this.members,
      store: new RegisterStore(host.store),
      send: (to, m) => this.links?.send(to, m),
      setTimer: (ms, fn) => this.scheduler.setTimer(ms, fn),
      election: () => {
        const s = this.election?.status();
        return { term: s?.term ?? 0, leader: s?.leader ?? null, isLeader: s?.role === 'leader' };
      },
      roundTimeoutMs: this.opts.registerTimeoutMs ?? 1000,
      readLease: {
        noteRead: () => this.election?.wantReadLease(this.scheduler.now()),
        holds: (term) =>
          this.election?.status().term === term && this.election.holdsReadLease(this.scheduler.now()),
      },
    });
    this.writeRepl = new WriteReplication({
      nodeId: this.opts.nodeId,
      peers: this.opts.peers.map((p) => p.id),
      fullPeers: this.fullPeers,
      witnesses: this.witnesses,
      keepsData: !this.isWitness,
      quorum: this.quorum,
      host,
      scheduler: this.scheduler,
      timeoutMs: this.opts.replicateTimeoutMs ?? 5000,
      send: (to, m) => this.links?.send(to, m),
      sendFrame: (to, frame) => this.links?.sendFrame(to, frame),
      isUp: (peer) => this.links?.isUp(peer) ?? false,
      sendLarge: (to, m) => this.send(to, m),
      catchUp: () => this.catchUp,
      noteUpdate: (docId) => this.snapshots?.noteUpdate(docId),
    });
    const catchUp = new CatchUp({
      store: host.store,
      scheduler: this.scheduler,
      send: (to, m) => this.send(to, m),
      // Catch-up brings data no forward's stamp describes.
      ingest: (docId, update) => {
        this.writeRepl?.untracked(docId);
        return host.ingest(docId, update);
      },
    });
    this.catchUp = catchUp;
    const causal = this.writeRepl.causalForwarding;
    this.intake =
      causal === null || this.witnesses.size === 0
        ? null
        : new WitnessIntake({
            host,
            coverage: (docId) => catchUp.coverage(docId),
            causal,
            untracked: (docId) => this.writeRepl?.untracked(docId),
            reads: this.reads,
            scheduler: this.scheduler,
            send: (to, m) => this.send(to, m),
          });
    this.linkLog = new LinkLog(host.logger, this.quorum.w, {
      openDocuments: () => host.openDocuments,
      pendingWrites: () => this.writeRepl?.pending ?? 0,
    });
    this.links = new PeerLinks({
      nodeId: this.opts.nodeId,
      listenHost: this.opts.listenHost,
      listenPort: this.opts.peerPort,
      peers: this.opts.peers,
      clusterKey: deriveClusterKey(this.opts.clusterSecret),
      tls: this.opts.tls ?? null,
      ...(this.opts.handshakeTimeoutMs !== undefined
        ? { handshakeTimeoutMs: this.opts.handshakeTimeoutMs }
        : {}),
      coalesceMs: this.opts.coalesceMs ?? 1,
      maxFrameBytes: this.maxPeerFrameBytes,
      scheduler: this.opts.linkScheduler ?? this.scheduler,
      onMessage: (from, m) => this.onMessage(from, m),
      onConnected: (peer) => {
        // First what an election round still needs from this peer (before any catch-up bulk).
        this.linkChanged(peer, 'up');
        // A join's read request sent while the link was down was lost with it: ask again. And
        // answer what the peer asked while this link was down (answers travel on it).
        this.reads.peerUp(peer);
        for (const r of this.heldRequests.take(peer)) this.answerSync(peer, r.docId, r.reqId, r.stateVector);
        // A witness keeps no documents: no catch-up with it either way (its holder offers the
        // full replicas what it holds; see WitnessHolder).
        if (this.witness !== null) this.witness.holder.peerUp(peer);
        else if (!this.witnesses.has(peer)) catchUp.start(peer);
        this.reforward(peer);
        this.resendPresence(peer);
      },
      // The peer's link to us is back: acks it sent while it had none were dropped, so forward
      // it again every write it is not known to hold (it acks duplicates; updates are idempotent).
      onInboundAuthenticated: (peer) => {
        this.linkLog?.changed(peer, 'up');
        this.reforward(peer);
        // Its answers to a join's read travel on this link: one sent while it was down was lost.
        this.reads.peerUp(peer);
      },
      onInboundLost: (peer) => {
        this.host?.peerPresenceGone(peer);
        this.writeRepl?.peerDown(peer);
        this.linkChanged(peer, 'down');
      },
      onFault: peerFaultReporter({
        logger: host.logger,
        registry: host.metrics,
        now: () => this.scheduler.now(),
      }),
    });
    await this.links.start();
    if (this.isWitness) {
      this.witness = new WitnessRole({
        host,
        fullPeers: this.fullPeers,
        pruneAt: this.quorum.pruneAt,
        maxMarks: DEFAULT_CLUSTER_LIMITS.maxMembers,
        scheduler: this.scheduler,
        send: (to, m) => this.send(to, m),
        isUp: (peer) => this.links?.isUp(peer) ?? false,
        ...(this.opts.witnessProbeMs !== undefined ? { probeEveryMs: this.opts.witnessProbeMs } : {}),
      });
    }
    host.logger.info(
      {
        election: persisted,
        algorithm: this.opts.election ?? 'bully',
        members: this.members,
        quorum: this.quorum,
      },
      'cluster starting',
    );
    this.apply(this.election.start(this.scheduler.now()));
  }

  /**
   * Forward `update` to every peer, commit it here, and resolve once W nodes hold it durably (the
   * client's write concern `w` when given: 1, a majority of N, or all N). Rejects with
   * {@link ReplicationError} (retryable) when that does not happen within the write timeout, even
   * while the local commit is still pending (a stalled disk): the promise is returned before any
   * timer can settle it, so no rejection goes unheard.
   */
  replicate(docId: string, update: Uint8Array, w?: WriteConcern): Promise<void> {
    const writes = this.writeRepl;
    if (this.host === null || this.links === null || writes === null)
      return Promise.reject(new ReplicationError('replicator not started'));
    return writes.replicate(docId, update, w);
  }

  /** Compare-and-set on `docId`'s register (see `Replicator.cas` and `RegisterReplication`). */
  cas(docId: string, req: CasRequest): Promise<CasOutcome> {
    return this.register?.cas(docId, req) ?? Promise.resolve({ status: 'retry', ok: false, value: null });
  }

  readState(
    docId: string,
    stateVector: Uint8Array,
    session?: ReadonlyMap<number, number>,
  ): Promise<ReadStateResult> {
    // With witnesses that may answer (see readAcrossWitnesses), any N - W + 1 nodes make the
    // quorum; otherwise R full replicas do.
    const across = this.readsAcross;
    const need = (across?.nodes ?? this.quorum.r) - 1;
    const want = session === undefined ? undefined : { want: session, have: decodeStateVector(stateVector) };
    const covered = want === undefined || coversVector(want.have, want.want);
    if (need <= 0 && covered) return Promise.resolve({ updates: [], readQuorum: true });
    if (this.links === null) return Promise.resolve({ updates: [], readQuorum: need <= 0 });
    const peers = across !== null ? this.opts.peers.map((p) => p.id) : this.fullPeers;
    return this.reads
      .begin(
        docId,
        Math.max(0, need),
        this.opts.readTimeoutMs ?? 1000,
        peers,
        (peer, reqId) => this.links?.send(peer, { type: 'sync-request', docId, reqId, stateVector }),
        want,
      )
      .then((result) => {
        // The relay takes these in: data no forward's stamp describes.
        if (result.updates.length > 0) this.writeRepl?.untracked(docId);
        return result;
      });
  }

  publishPresence(docId: string, entries: readonly PresenceEntry[]): void {
    for (const p of this.opts.peers) this.sendPresence(p.id, docId, entries);
  }

  status(): ClusterStatus {
    const s = this.election?.status();
    return {
      nodeId: this.opts.nodeId,
      leaderId: s?.leader ?? null,
      term: s?.term ?? 0,
      successors: s?.successors ?? [],
    };
  }

  snapshotOf(docId: string): SnapshotNumber {
    return this.snapshots?.snapshotOf(docId) ?? { term: 0, seq: 0 };
  }

  onEvent(listener: (event: ReplicatorEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  health(): Record<string, unknown> {
    const s = this.election?.status();
    return {
      mode: 'cluster',
      election: this.opts.election ?? 'bully',
      role: s?.role ?? 'stopped',
      members: this.members,
      peersConnected: this.links?.connected() ?? [],
      writeQuorum: this.quorum.w,
      readQuorum: this.quorum.r,
      witness: this.isWitness,
      witnesses: [...this.witnesses],
      ...(this.witness !== null ? this.witness.health() : {}),
      pendingWrites: this.writeRepl?.pending ?? 0,
      causalHeld: this.writeRepl?.held ?? 0,
      registerReads: this.register?.readStats() ?? { lease: 0, confirmed: 0 },
      // Catch-up runs between full replicas only (a witness hands over through its probes).
      catchingUp:
        this.witness !== null
          ? []
          : (this.links?.connected().filter((p) => !this.witnesses.has(p) && !this.catchUp?.finished(p)) ??
            []),
    };
  }

  async stop(): Promise<void> {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
    this.writeRepl?.stop();
    this.reads.stop();
    this.register?.stop();
    this.catchUp?.stopAll();
    this.snapshots?.stepDown();
    this.witness?.stop();
    this.witness = null;
    await this.links?.stop();
    this.links = null;
    this.election = null;
  }

  /** Send `m` to `to`, splitting a payload too large for one peer frame (see {@link sendSplit}). */
  private send(to: NodeId, m: ClusterMessage): void {
    const links = this.links;
    if (links !== null) sendSplit((x) => links.send(to, x), m, Math.floor(this.maxPeerFrameBytes / 4));
  }

  /** Tell the election a peer's link went down or came back (see `ElectionNode.peerDown`). */
  private linkChanged(peer: NodeId, change: 'up' | 'down'): void {
    const election = this.election;
    if (election === null) return;
    const now = this.scheduler.now();
    this.linkLog?.changed(peer, change);
    this.apply(change === 'up' ? election.peerUp(peer, now) : election.peerDown(peer, now));
  }

  /** Apply one election step: persist first, then timers, then messages, then events. */
  private apply(out: ElectionOutput): void {
    const host = this.host;
    const machine = this.election;
    if (host === null || machine === null) return;
    if (out.persist !== undefined) host.store.setMeta(ELECTION_META_KEY, JSON.stringify(out.persist));
    for (const { timer, delayMs } of out.timers) {
      this.timers.get(timer)?.cancel();
      this.timers.delete(timer);
      if (delayMs === null) continue;
      this.timers.set(
        timer,
        this.scheduler.setTimer(delayMs, () => {
          this.timers.delete(timer);
          if (this.election !== machine) return;
          try {
            this.apply(machine.fire(timer, this.scheduler.now()));
          } catch (e) {
            // A bug must not take the node down from inside a timer; it is logged loudly instead.
            host.logger.error({ err: e, timer }, 'election timer failed');
          }
        }),
      );
    }
    for (const { to, message } of out.send) this.links?.send(to, message);
    for (const e of out.events) {
      host.logger.info({ election: e, node: this.opts.nodeId }, `election ${e.type}`);
      if (e.type === 'became-leader' || e.type === 'stepped-down' || e.type === 'term-changed')
        this.register?.reset();
      if (e.type === 'became-leader') this.snapshots?.lead(e.term);
      else if (e.type === 'stepped-down') this.snapshots?.stepDown();
      else if (e.type === 'term-changed') {
        this.snapshots?.observeTerm(e.term);
        if (machine.status().role !== 'leader') this.snapshots?.stepDown();
      }
      if (e.type === 'became-leader' || e.type === 'stepped-down' || e.type === 'leader-seen')
        for (const l of this.listeners) l({ kind: 'status' });
    }
  }

  /**
   * Handle one message from an authenticated peer. Throwing here closes that peer's link (see
   * {@link PeerLinks}), never the process.
   */
  private onMessage(from: NodeId, m: ClusterMessage): void {
    const host = this.host;
    const election = this.election;
    if (host === null || election === null) return;
    switch (m.type) {
      case 'replicate':
        if (this.witness !== null) {
          this.witness.onReplicate(from, m);
          return;
        }
        // A witness hands over in witness-offers only.
        if (this.witnesses.has(from)) return;
        // Catch-up traffic (id 0) is taken in only when it adds something: no room is loaded for
        // a document already in sync. A forwarded write waits for what it follows.
        this.writeRepl?.onReplicate(from, m);
        return;
      case 'causal-pull':
        this.writeRepl?.answerPull(from, m.docId, m.stateVector);
        return;
      case 'causal-fill':
        this.writeRepl?.takeFill(from, m);
        return;
      case 'witness-offer':
        if (this.witnesses.has(from)) this.intake?.onOffer(from, m);
        return;
      case 'replicate-ack':
        // An ack counts only for the update it names, in the document it names (on a witness:
        // only for the probe it names).
        if (this.witness !== null) this.witness.holder.acked(from, m.updateId, m.docId);
        else this.writeRepl?.acked(from, m.docId, m.updateId);
        return;
      case 'replicate-acks':
        // A write window's acks, each counting as its own `replicate-ack`.
        for (const a of m.acks)
          if (this.witness !== null) this.witness.holder.acked(from, a.updateId, a.docId);
          else this.writeRepl?.acked(from, a.docId, a.updateId);
        return;
      case 'sync-request':
        if (this.witness !== null && m.reqId !== 0 && this.readsAcross !== null) {
          // A join's quorum read: the witness answers with what it still holds.
          this.answerWitnessRead(from, m.docId, m.reqId);
          return;
        }
        this.witness?.notToldOfWitness(from);
        this.answerSync(from, m.docId, m.reqId, m.stateVector);
        return;
      case 'sync-reply':
        if (this.witness !== null) return; // a witness asks nothing and takes in no documents
        if (m.reqId !== 0) this.reads.answer(from, m.reqId, m.docId, m.update, m.stateVector);
        this.catchUp?.onReply(from, m.docId, m.update, m.stateVector).catch((e: unknown) => {
          host.logger.warn({ err: e, from, docId: m.docId }, 'catch-up reply not taken in');
        });
        return;
      case 'presence':
        host.peerPresence(from, m.docId, m.entries);
        return;
      case 'presence-reset':
        host.peerPresenceGone(from);
        return;
      case 'register-prepare':
      case 'register-promise':
      case 'register-write':
      case 'register-written':
      case 'register-forward':
      case 'register-forwarded':
        this.register?.onMessage(from, m);
        return;
      case 'snapshot-query':
      case 'snapshot-announce':
        // Only the leader of the current term numbers snapshots: anything else is a stale or
        // confused peer, and letting it raise our promise would stop snapshot numbering.
        if (!this.isLeaderOf(from, m.type === 'snapshot-query' ? m.term : m.number.term)) return;
        this.snapshots?.onMessage(from, m);
        return;
      case 'snapshot-answer':
      case 'snapshot-reply':
        this.snapshots?.onMessage(from, m);
        return;
      default:
        this.apply(election.receive(from, m, this.scheduler.now()));
    }
  }

  /** Whether `from` is the leader this node follows in `term`, its current term. */
  private isLeaderOf(from: NodeId, term: number): boolean {
    const s = this.election?.status();
    return s !== undefined && s.term === term && s.leader === from;
  }

  private answerWitnessRead(from: NodeId, docId: string, reqId: number): void {
    const witness = this.witness;
    if (witness === null || (this.links !== null && !this.links.isUp(from))) return;
    const entries = witness.answerRead(docId);
    if (entries !== null) this.send(from, { type: 'witness-offer', docId, probeId: 0, reqId, entries });
  }

  private answerSync(from: NodeId, docId: string, reqId: number, stateVector: Uint8Array): void {
    const catchUp = this.catchUp;
    if (catchUp === null) return;
    if (this.links !== null && !this.links.isUp(from)) {
      // The answer would be dropped: hold the request until our link to the asker is up.
      this.heldRequests.hold(from, { docId, reqId, stateVector });
      return;
    }
    let reply: { update: Uint8Array; stateVector: Uint8Array };
    try {
      reply = catchUp.answer(docId, stateVector);
    } catch (e) {
      if (e instanceof DecodeError) return; // a malformed vector (or stored row): no answer
      throw e;
    }
    this.send(from, { type: 'sync-reply', docId, reqId, ...reply });
  }

  /**
   * A link with `peer` came up (ours to it, or its to us): forward it again every write still
   * waiting for its quorum that it does not hold. A write forwarded while the link was down (or into a silent partition) is
   * otherwise never acknowledged by that peer, and if the one peer that did hold it then fails,
   * the client's write would hang until its timeout although W nodes are reachable. Duplicates
   * are harmless: updates are idempotent and the tracker counts each node once.
   */
  private reforward(peer: NodeId): void {
    this.writeRepl?.reforward(peer);
  }

  /** Our link to `peer` came up: it forgets what presence we sent before and gets all of it anew. */
  private resendPresence(peer: NodeId): void {
    const host = this.host;
    if (host === null) return;
    this.links?.send(peer, { type: 'presence-reset' });
    for (const { docId, entries } of host.localPresence()) this.sendPresence(peer, docId, entries);
  }

  /** Send presence entries to `to` in chunks well under the codec's per-message bound (1024 entries). */
  private sendPresence(to: NodeId, docId: string, entries: readonly PresenceEntry[]): void {
    for (let i = 0; i < entries.length; i += 256)
      this.links?.send(to, { type: 'presence', docId, entries: entries.slice(i, i + 256) });
  }
}
