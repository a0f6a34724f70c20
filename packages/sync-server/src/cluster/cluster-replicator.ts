/**
 * The networked cluster layer of a relay node, plugged in through the relay's `Replicator` seam:
 * it drives the pure election state machine of the configured algorithm ({@link ElectionAlgorithm})
 * on a real scheduler over authenticated {@link PeerLinks}, persists term and vote in the node's
 * SQLite (`meta` table, fsynced) before sending anything that depends on them, acknowledges a
 * client update once W nodes hold it durably, answers joins from R nodes, and catches peers up by
 * state-vector exchange whenever a link comes up (`CatchUp`).
 *
 * Even an authenticated peer is not trusted to be bug-free: the codec range-checks every field,
 * acknowledgements count only for the update and document they name, snapshot messages count
 * only from the leader of their term, and a handler or timer that throws is logged and costs its
 * link (or its timer), never the process.
 *
 * This class holds the node together: who is in the cluster comes from `cluster-membership.ts`,
 * the election steps are carried out by {@link ElectionDriver}, the parts a started node runs are
 * built by {@link createReplicaParts}, and peers' messages are routed by {@link PeerMessageRouter}.
 * Ordered snapshot numbering runs in `SnapshotReplication`. Not here: dynamic membership.
 */

import {
  coversVector,
  decodeStateVector,
  type PresenceEntry,
  type WriteConcern,
} from '@accord/core/protocol';
import type { ElectionAlgorithm } from '../election/algorithm.js';
import type { ElectionEvent, NodeId } from '../election/types.js';
import type { CasOutcome } from '../register/register-replication.js';
import type { CasRequest } from '../register/register-state.js';
import type {
  ClusterStatus,
  ReplicaHost,
  Replicator,
  ReplicatorEvent,
  SnapshotNumber,
} from '../relay/replicator.js';
import { type ReadStateResult, ReplicationError } from '../relay/replicator.js';
import { RealScheduler, type Scheduler } from '../time/scheduler.js';
import { type ClusterMembership, resolveMembership } from './cluster-membership.js';
import type { ClusterReplicatorOptions } from './cluster-replicator-options.js';
import { createNodeElection, ElectionDriver } from './election-driver.js';
import { ELECTION_META_KEY, readPersisted } from './election-state.js';
import { HeldSyncRequests } from './held-sync-requests.js';
import type { ClusterMessage } from './messages.js';
import { deriveClusterKey } from './peer-auth.js';
import { DEFAULT_CLUSTER_LIMITS } from './peer-codec.js';
import { peerFaultReporter } from './peer-faults.js';
import { PeerLinks } from './peer-links.js';
import { PeerMessageRouter } from './peer-message-router.js';
import { answerHoldsData, QuorumReads } from './quorum-reads.js';
import { createReplicaParts, type ReplicaParts } from './replica-parts.js';
import { sendSplit } from './split-payloads.js';
import { WitnessRole } from './witness-role.js';

/** {@link Replicator} for a node of an N-node cluster. */
export class ClusterReplicator implements Replicator {
  private readonly opts: ClusterReplicatorOptions;
  private readonly scheduler: Scheduler;
  /** Members, witnesses, full peers and quorum sizes. */
  private readonly membership: ClusterMembership;
  /** Set by `start` when this node is a witness. */
  private witness: WitnessRole | null = null;
  private readonly reads: QuorumReads;
  /** Sync requests from peers our link to was down when they asked, answered when it is up. */
  private readonly heldRequests = new HeldSyncRequests();
  private readonly listeners = new Set<(e: ReplicatorEvent) => void>();
  private host: ReplicaHost | null = null;
  /** Carries out the election machine's steps (the machine is given to it by `start`). */
  private readonly electionDriver: ElectionDriver;
  private links: PeerLinks | null = null;
  /** Snapshots, register, writes, catch-up, witness intake, link log (set by `start`). */
  private parts: ReplicaParts | null = null;
  /** Bumped by every start and stop: a start that finds it changed after an await was stopped. */
  private generation = 0;
  private readonly maxPeerFrameBytes: number;

  constructor(options: ClusterReplicatorOptions) {
    // Throws RangeError for a short secret before anything starts.
    deriveClusterKey(options.clusterSecret);
    this.opts = options;
    this.scheduler = options.scheduler ?? new RealScheduler();
    this.membership = resolveMembership(options);
    this.reads = new QuorumReads(this.scheduler);
    this.maxPeerFrameBytes = options.maxPeerFrameBytes ?? 32 * 1024 * 1024;
    this.electionDriver = new ElectionDriver({
      nodeId: options.nodeId,
      scheduler: this.scheduler,
      send: (to, message) => this.links?.send(to, message),
      onEvent: (e, machine) => this.onElectionEvent(e, machine),
    });
  }

  /** Whether this node is a witness replica. */
  get isWitness(): boolean {
    return this.membership.witnesses.has(this.opts.nodeId);
  }

  /** The bound peer-link port (after start). */
  get peerPort(): number {
    return this.links?.port ?? 0;
  }

  /** The election machine (null before `start` and after `stop`). */
  private get election(): ElectionAlgorithm | null {
    return this.electionDriver.current;
  }

  async start(host: ReplicaHost): Promise<void> {
    const generation = ++this.generation;
    this.host = host;
    const persisted = readPersisted(host.store.getMeta(ELECTION_META_KEY));
    this.electionDriver.use(
      host,
      createNodeElection(this.opts, this.membership.members, this.membership.witnesses, persisted),
    );
    const parts = createReplicaParts({
      options: this.opts,
      membership: this.membership,
      isWitness: this.isWitness,
      host,
      scheduler: this.scheduler,
      reads: this.reads,
      electionTerm: persisted.term,
      election: () => this.election,
      send: (to, m) => this.links?.send(to, m),
      sendLarge: (to, m) => this.send(to, m),
      sendFrame: (to, frame) => this.links?.sendFrame(to, frame),
      isUp: (peer) => this.links?.isUp(peer) ?? false,
      emit: (e) => {
        for (const l of this.listeners) l(e);
      },
    });
    this.parts = parts;
    const router = new PeerMessageRouter({
      host,
      parts,
      election: this.electionDriver,
      reads: this.reads,
      witnesses: this.membership.witnesses,
      readsAcross: this.membership.readsAcross,
      held: this.heldRequests,
      witness: () => this.witness,
      linkDown: (peer) => this.links !== null && !this.links.isUp(peer),
      send: (to, m) => this.send(to, m),
      now: () => this.scheduler.now(),
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
      onMessage: (from, m) => router.route(from, m),
      onConnected: (peer) => {
        // First what an election round still needs from this peer (before any catch-up bulk).
        this.linkChanged(peer, 'up');
        // A join's read request sent while the link was down was lost with it: ask again. And
        // answer what the peer asked while this link was down (answers travel on it).
        this.reads.peerUp(peer);
        router.answerHeld(peer);
        // A witness keeps no documents: no catch-up with it either way (its holder offers the
        // full replicas what it holds; see WitnessHolder).
        if (this.witness !== null) this.witness.holder.peerUp(peer);
        else if (!this.membership.witnesses.has(peer)) parts.catchUp.start(peer);
        this.reforward(peer);
        this.resendPresence(peer);
      },
      // The peer's link to us is back: acks it sent while it had none were dropped, so forward
      // it again every write it is not known to hold (it acks duplicates; updates are idempotent).
      onInboundAuthenticated: (peer) => {
        this.parts?.linkLog.changed(peer, 'up');
        this.reforward(peer);
        // Its answers to a join's read travel on this link: one sent while it was down was lost.
        this.reads.peerUp(peer);
      },
      onInboundLost: (peer) => {
        this.host?.peerPresenceGone(peer);
        this.parts?.writes.peerDown(peer);
        this.linkChanged(peer, 'down');
      },
      onFault: peerFaultReporter({
        logger: host.logger,
        registry: host.metrics,
        now: () => this.scheduler.now(),
      }),
    });
    await this.links.start();
    // Stopped while the links started: start no witness role and no election after the stop.
    if (generation !== this.generation) return;
    if (this.isWitness) {
      this.witness = new WitnessRole({
        host,
        fullPeers: this.membership.fullPeers,
        pruneAt: this.membership.quorum.pruneAt,
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
        members: this.membership.members,
        quorum: this.membership.quorum,
      },
      'cluster starting',
    );
    this.electionDriver.apply((this.election as ElectionAlgorithm).start(this.scheduler.now()));
  }

  /**
   * Forward `update` to every peer, commit it here, and resolve once W nodes hold it durably (the
   * client's write concern `w` when given: 1, a majority of N, or all N). Rejects with
   * {@link ReplicationError} (retryable) when that does not happen within the write timeout, even
   * while the local commit is still pending (a stalled disk): the promise is returned before any
   * timer can settle it, so no rejection goes unheard.
   */
  replicate(docId: string, update: Uint8Array, w?: WriteConcern): Promise<void> {
    const writes = this.parts?.writes ?? null;
    if (this.host === null || this.links === null || writes === null)
      return Promise.reject(new ReplicationError('replicator not started'));
    return writes.replicate(docId, update, w);
  }

  /** Compare-and-set on `docId`'s register (see `Replicator.cas` and `RegisterReplication`). */
  cas(docId: string, req: CasRequest): Promise<CasOutcome> {
    return (
      this.parts?.register.cas(docId, req) ?? Promise.resolve({ status: 'retry', ok: false, value: null })
    );
  }

  readState(
    docId: string,
    stateVector: Uint8Array,
    session?: ReadonlyMap<number, number>,
  ): Promise<ReadStateResult> {
    // With witnesses that may answer (see readAcrossWitnesses), any N - W + 1 nodes make the
    // quorum; otherwise R full replicas do.
    const across = this.membership.readsAcross;
    const need = (across?.nodes ?? this.membership.quorum.r) - 1;
    const want = session === undefined ? undefined : { want: session, have: decodeStateVector(stateVector) };
    const covered = want === undefined || coversVector(want.have, want.want);
    if (need <= 0 && covered) return Promise.resolve({ updates: [], readQuorum: true });
    if (this.links === null) return Promise.resolve({ updates: [], readQuorum: need <= 0 });
    const peers = across !== null ? this.opts.peers.map((p) => p.id) : this.membership.fullPeers;
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
        // The relay takes these in: data no forward's stamp describes (empty answers bring none).
        if (result.updates.some(answerHoldsData)) this.parts?.writes.untracked(docId);
        return result;
      });
  }

  loadedEmpty(docId: string): void {
    this.parts?.writes.heldNothing(docId);
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
    return this.parts?.snapshots.snapshotOf(docId) ?? { term: 0, seq: 0 };
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
      members: this.membership.members,
      peersConnected: this.links?.connected() ?? [],
      writeQuorum: this.membership.quorum.w,
      readQuorum: this.membership.quorum.r,
      witness: this.isWitness,
      witnesses: [...this.membership.witnesses],
      ...(this.witness !== null ? this.witness.health() : {}),
      pendingWrites: this.parts?.writes.pending ?? 0,
      causalHeld: this.parts?.writes.held ?? 0,
      registerReads: this.parts?.register.readStats() ?? { lease: 0, confirmed: 0 },
      // Catch-up runs between full replicas only (a witness hands over through its probes).
      catchingUp:
        this.witness !== null
          ? []
          : (this.links
              ?.connected()
              .filter((p) => !this.membership.witnesses.has(p) && !this.parts?.catchUp.finished(p)) ?? []),
    };
  }

  async stop(): Promise<void> {
    this.generation++;
    this.electionDriver.cancelTimers();
    this.parts?.writes.stop();
    this.reads.stop();
    this.parts?.register.stop();
    this.parts?.catchUp.stopAll();
    this.parts?.snapshots.stop();
    this.witness?.stop();
    this.witness = null;
    await this.links?.stop();
    this.links = null;
    this.electionDriver.detach();
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
    this.parts?.linkLog.changed(peer, change);
    this.electionDriver.apply(change === 'up' ? election.peerUp(peer, now) : election.peerDown(peer, now));
  }

  /** What leadership and term changes mean for the register, snapshot numbering and listeners. */
  private onElectionEvent(e: ElectionEvent, machine: ElectionAlgorithm): void {
    if (e.type === 'became-leader' || e.type === 'stepped-down' || e.type === 'term-changed')
      this.parts?.register.reset();
    if (e.type === 'became-leader') this.parts?.snapshots.lead(e.term);
    else if (e.type === 'stepped-down') this.parts?.snapshots.stepDown();
    else if (e.type === 'term-changed') {
      this.parts?.snapshots.observeTerm(e.term);
      if (machine.status().role !== 'leader') this.parts?.snapshots.stepDown();
    }
    if (e.type === 'became-leader' || e.type === 'stepped-down' || e.type === 'leader-seen')
      for (const l of this.listeners) l({ kind: 'status' });
  }

  /**
   * A link with `peer` came up (ours to it, or its to us): forward it again every write still
   * waiting for its quorum that it does not hold. A write forwarded while the link was down (or into a silent partition) is
   * otherwise never acknowledged by that peer, and if the one peer that did hold it then fails,
   * the client's write would hang until its timeout although W nodes are reachable. Duplicates
   * are harmless: updates are idempotent and the tracker counts each node once.
   */
  private reforward(peer: NodeId): void {
    this.parts?.writes.reforward(peer);
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
