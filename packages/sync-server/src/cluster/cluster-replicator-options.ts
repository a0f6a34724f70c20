/** The options of a cluster node's replicator (see `ClusterReplicator`). */
import type { ElectionAlgorithmName } from '../election/algorithm.js';
import type { NodeId } from '../election/types.js';
import type { Scheduler } from '../time/scheduler.js';
import type { PeerLinkAddress, PeerTlsOptions } from './peer-links.js';

/** Options of a `ClusterReplicator`. */
export interface ClusterReplicatorOptions {
  nodeId: NodeId;
  /** Host and port this node accepts peer links on. */
  listenHost: string;
  peerPort: number;
  /** Where to dial each other node's peer links (directly or through a chaos proxy). */
  peers: readonly PeerLinkAddress[];
  /** The cluster secret every member holds (at least 16 characters); peers prove it, never send it. */
  clusterSecret: string;
  /** TLS for peer links (listener certificate and key, CA of peers); plain TCP when absent. */
  tls?: PeerTlsOptions | null;
  /** Time a peer has to complete the link handshake (ms). Default 2000. */
  handshakeTimeoutMs?: number;
  /** Write quorum (default majority) and read quorum (default N - W + 1). */
  w?: number | null;
  r?: number | null;
  heartbeatMs?: number;
  electionTimeoutMs?: readonly [number, number];
  /** Leader election algorithm (default `bully`); every node of a cluster must run the same. */
  election?: ElectionAlgorithmName;
  /** Nodes that may lead under the `candidates` algorithm; null or absent: every node. */
  candidates?: readonly NodeId[] | null;
  /** A write not held by W nodes within this time is rejected (the client resends). Default 5000. */
  replicateTimeoutMs?: number;
  /** How long one register round (prepare, write, confirm) waits for a majority (ms). Default 1000. */
  registerTimeoutMs?: number;
  /**
   * Register read leases (`--lease-ms`): how long a follower promises its leader not to vote or
   * stand (ms); the leader's lease is shorter (see `election/read-lease.ts`). 0: off, every read
   * takes a confirmation round. Default: the election's stickiness window (150 ms by default).
   */
  leasePromiseMs?: number;
  /** How long a join waits for R - 1 peers. Default 1000. */
  readTimeoutMs?: number;
  /**
   * Clock and timers of the election, quorum waits, snapshots and catch-up, and (unless
   * `linkScheduler` is given) of the peer links. Default: a `RealScheduler`.
   */
  scheduler?: Scheduler;
  /**
   * Clock and timers of the peer links: redial backoff, handshake deadlines, the write window
   * (see `PeerLinksOptions.scheduler`). Default: `scheduler`. A test that runs the replicator in
   * virtual time over real sockets passes a `RealScheduler` here, or its links move only when
   * the test advances the clock.
   */
  linkScheduler?: Scheduler;
  /** The leader numbers a snapshot of a document every this many updates to it. Default 200. */
  snapshotEveryUpdates?: number;
  /** ... and after this many ms without updates, if it had any since its last snapshot. Default 0 (off). */
  snapshotIdleMs?: number;
  /** Numbered snapshots kept per document as its version history; 0: all. Default 50. */
  keepSnapshots?: number;
  /** How long peer-link frames wait for company before they are written (ms). Default 1. */
  coalesceMs?: number;
  /**
   * Largest peer-link frame accepted (default 32 MiB). Catch-up and snapshot payloads larger
   * than a quarter of it travel as several parts (see `sendSplit`).
   */
  maxPeerFrameBytes?: number;
  /**
   * The cluster's witness replicas (`--witness`), this node included when it is one: they vote
   * and count toward W but keep no documents, never lead and never count toward R. Default none.
   */
  witnesses?: readonly NodeId[];
  /** A witness offers its held updates to the full replicas this often (ms). Default 200. */
  witnessProbeMs?: number;
}
