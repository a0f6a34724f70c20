/**
 * The parts a cluster node runs once started, built together and wired to each other: ordered
 * snapshot numbering ({@link SnapshotReplication}), the compare-and-set register
 * ({@link RegisterReplication}), client writes out and peers' writes in
 * ({@link WriteReplication}), catch-up by state-vector exchange ({@link CatchUp}), the intake of
 * witnesses' hand-overs ({@link WitnessIntake}, on a full replica of a cluster with witnesses) and
 * the link log ({@link LinkLog}). The peer links and the witness role are the replicator's.
 */
import type { ElectionAlgorithm } from '../election/algorithm.js';
import type { NodeId } from '../election/types.js';
import { RegisterReplication } from '../register/register-replication.js';
import { RegisterStore } from '../register/register-store.js';
import type { ReplicaHost, ReplicatorEvent } from '../relay/replicator.js';
import type { Scheduler } from '../time/scheduler.js';
import { CatchUp } from './catch-up.js';
import type { ClusterMembership } from './cluster-membership.js';
import type { ClusterReplicatorOptions } from './cluster-replicator-options.js';
import { LinkLog } from './link-log.js';
import type { ClusterMessage } from './messages.js';
import type { QuorumReads } from './quorum-reads.js';
import { SnapshotReplication } from './snapshot-replication.js';
import { WitnessIntake } from './witness-intake.js';
import { WriteReplication } from './write-replication.js';

/** The parts of a started cluster node (see the module comment). */
export interface ReplicaParts {
  /** Ordered snapshot numbering. */
  readonly snapshots: SnapshotReplication;
  /** The compare-and-set register. */
  readonly register: RegisterReplication;
  /** Client writes out, peers' writes in. */
  readonly writes: WriteReplication;
  /** Catch-up with full peers by state-vector exchange. */
  readonly catchUp: CatchUp;
  /** Takes in witnesses' hand-overs; null on a witness and in a cluster without witnesses. */
  readonly intake: WitnessIntake | null;
  /** Logs link changes and quorum loss at warn. */
  readonly linkLog: LinkLog;
}

/** What {@link createReplicaParts} builds the parts from. */
export interface ReplicaPartsContext {
  /** The replicator's options. */
  readonly options: ClusterReplicatorOptions;
  /** Members, witnesses, full peers and quorum sizes. */
  readonly membership: ClusterMembership;
  /** Whether this node is a witness replica (it keeps no documents). */
  readonly isWitness: boolean;
  /** The relay node the parts serve. */
  readonly host: ReplicaHost;
  /** Timers of every part. */
  readonly scheduler: Scheduler;
  /** The node's quorum reads (witness hand-overs answer them too). */
  readonly reads: QuorumReads;
  /** The persisted election term at start. */
  readonly electionTerm: number;
  /** The node's election machine (null once stopped). */
  readonly election: () => ElectionAlgorithm | null;
  /** Send a message on the link to `to`; dropped while it is down. */
  readonly send: (to: NodeId, m: ClusterMessage) => void;
  /** {@link send}, splitting a payload too large for one peer frame. */
  readonly sendLarge: (to: NodeId, m: ClusterMessage) => void;
  /** Send an encoded frame on the link to `to`; dropped while it is down. */
  readonly sendFrame: (to: NodeId, frame: Buffer) => void;
  /** Whether the link to `peer` is up. */
  readonly isUp: (peer: NodeId) => boolean;
  /** Tell the replicator's listeners. */
  readonly emit: (event: ReplicatorEvent) => void;
}

/** Build a started node's parts, in the order they depend on each other. */
export function createReplicaParts(c: ReplicaPartsContext): ReplicaParts {
  const { options: opts, membership, host, scheduler } = c;
  const snapshots = new SnapshotReplication({
    nodeId: opts.nodeId,
    members: membership.members,
    host,
    electionTerm: c.electionTerm,
    send: c.sendLarge,
    everyUpdates: opts.snapshotEveryUpdates ?? 200,
    idleMs: opts.snapshotIdleMs ?? 0,
    keepVersions: opts.keepSnapshots ?? 50,
    keepsData: !c.isWitness,
    // Four or more full replicas: a snapshot may carry a write some peer lacks (snapshot-ingest.ts).
    ...(membership.fullPeers.length >= 3 ? { untracked: (docId: string) => writes.untracked(docId) } : {}),
    setTimer: (ms, fn) => scheduler.setTimer(ms, fn),
    onSnapshot: (docId) => c.emit({ kind: 'snapshot', docId }),
    defer: (fn) => setImmediate(fn),
  });
  const register = new RegisterReplication({
    nodeId: opts.nodeId,
    members: membership.members,
    store: new RegisterStore(host.store),
    send: c.send,
    setTimer: (ms, fn) => scheduler.setTimer(ms, fn),
    election: () => {
      const s = c.election()?.status();
      return { term: s?.term ?? 0, leader: s?.leader ?? null, isLeader: s?.role === 'leader' };
    },
    roundTimeoutMs: opts.registerTimeoutMs ?? 1000,
    readLease: {
      noteRead: () => c.election()?.wantReadLease(scheduler.now()),
      holds: (term) => {
        const election = c.election();
        return election?.status().term === term && election.holdsReadLease(scheduler.now());
      },
    },
  });
  // Set just below: the write path asks for it only once the node runs.
  let catchUpPart: CatchUp | null = null;
  const writes = new WriteReplication({
    nodeId: opts.nodeId,
    peers: opts.peers.map((p) => p.id),
    fullPeers: membership.fullPeers,
    witnesses: membership.witnesses,
    keepsData: !c.isWitness,
    quorum: membership.quorum,
    host,
    scheduler,
    timeoutMs: opts.replicateTimeoutMs ?? 5000,
    send: c.send,
    sendFrame: c.sendFrame,
    isUp: c.isUp,
    sendLarge: c.sendLarge,
    catchUp: () => catchUpPart,
    noteUpdate: (docId) => snapshots.noteUpdate(docId),
  });
  const catchUp = new CatchUp({
    store: host.store,
    scheduler,
    send: c.sendLarge,
    // Catch-up brings data no forward's stamp describes.
    ingest: (docId, update) => {
      writes.untracked(docId);
      return host.ingest(docId, update);
    },
  });
  catchUpPart = catchUp;
  const causal = writes.causalForwarding;
  const intake =
    causal === null || membership.witnesses.size === 0
      ? null
      : new WitnessIntake({
          host,
          coverage: (docId) => catchUp.coverage(docId),
          causal,
          untracked: (docId) => writes.untracked(docId),
          reads: c.reads,
          scheduler,
          send: c.sendLarge,
        });
  const linkLog = new LinkLog(host.logger, membership.quorum.w, {
    openDocuments: () => host.openDocuments,
    pendingWrites: () => writes.pending,
  });
  return { snapshots, register, writes, catchUp, intake, linkLog };
}
