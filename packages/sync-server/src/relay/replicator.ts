/**
 * The seam between a relay node and its cluster. The relay hands every validated client update
 * to a {@link Replicator} and acknowledges it when `replicate` resolves; a cluster implementation
 * resolves once W nodes hold the update durably, the single-node one after the local commit.
 * Peers' updates come back into the node through the {@link ReplicaHost} it is started with.
 */
import type { PresenceEntry, WriteConcern } from '@accord/core/protocol';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { CasOutcome } from '../register/register-replication.js';
import type { CasRequest } from '../register/register-state.js';
import type { SnapshotNumber } from '../snapshot/snapshot-number.js';
import type { MetaEntry, SqliteStore, VersionToKeep } from '../storage/sqlite-store.js';

/** The cluster as one node sees it. */
export interface ClusterStatus {
  /** This node. */
  readonly nodeId: number;
  /** The leader, or `null` while none is known. */
  readonly leaderId: number | null;
  /** The current term (1 for a single node). */
  readonly term: number;
  /** Next-in-line leaders, in order. */
  readonly successors: readonly number[];
}

/** A document's latest ordered snapshot number (`{ term: 0, seq: 0 }`: none yet); defined by `snapshot/`. */
export type { SnapshotNumber } from '../snapshot/snapshot-number.js';

/** A status change the relay forwards to clients as `cluster` messages. */
export type ReplicatorEvent =
  | { readonly kind: 'status' }
  | { readonly kind: 'snapshot'; readonly docId: string };

/** Thrown (rejected) by {@link Replicator.replicate} when an update cannot be made durable on enough nodes. */
export class ReplicationError extends Error {
  readonly code = 'unavailable';
  constructor(message: string) {
    super(message);
    this.name = 'ReplicationError';
  }
}

/** What the relay node offers its replicator. Implemented by the node; used by the cluster layer. */
export interface ReplicaHost {
  /** This node's id (rank). */
  readonly nodeId: number;
  /** The node's durable store (the cluster persists its term and vote with `setMeta`). */
  readonly store: SqliteStore;
  /** The node's metric registry, for the cluster's own metrics. */
  readonly metrics: Registry;
  /** The node's logger. */
  readonly logger: Logger;
  /**
   * Store an update durably on THIS node only (group commit). Resolves with its log position
   * once committed; rejects if the transaction failed. Only for updates the relay already
   * applied to the room (those handed to `replicate`): compaction may snapshot the room's
   * document in place of the log. Anything else goes through {@link ingest}.
   */
  persist(docId: string, update: Uint8Array): Promise<number>;
  /**
   * Take in an update a peer sent: validate it against the document (loading it if needed),
   * relay it to this node's clients in the room, and store it durably. Resolves once durable.
   * Rejects with `DecodeError` for bad bytes (nothing stored, nothing relayed).
   */
  ingest(docId: string, update: Uint8Array): Promise<void>;
  /**
   * {@link ingest}, but the update is applied (and relayed) before this returns, and a bad one
   * throws `DecodeError` here, synchronously (nothing applied): the caller knows at once whether
   * the document now holds it. The promise resolves once durable and rejects only if storing fails.
   */
  ingestNow(docId: string, update: Uint8Array): Promise<void>;
  /**
   * Keep numbered snapshot `v` of `docId` as a version, dropping the document's versions beyond
   * the newest `keep` (0: keep all), with `meta` set in the same transaction: what
   * `store.putVersion` does, but through the node's committer, so serialized with its appends
   * and, with a commit thread, off the event loop (no fsync and no wait for the write lock on this
   * thread). Resolves once durable; rejects if the transaction failed (nothing of it stored).
   */
  keepVersion(docId: string, v: VersionToKeep, keep: number, meta?: MetaEntry): Promise<void>;
  /** The encoded state vector of the document as this node holds it (loading it if needed). */
  stateVector(docId: string): Promise<Uint8Array>;
  /** What a peer at `stateVector` lacks of the document. Rejects with `DecodeError` for a bad vector. */
  diff(docId: string, stateVector: Uint8Array): Promise<Uint8Array>;
  /** Ids of every document stored on this node (for anti-entropy after a partition). */
  documents(): string[];
  /** Documents with a room open on this node now (clients editing them here). */
  readonly openDocuments: number;
  /**
   * Presence of node `from`'s client sessions in `docId` changed: remember it and tell this
   * node's sessions in that document. Best effort; entries past a per-node bound are ignored.
   */
  peerPresence(from: number, docId: string, entries: readonly PresenceEntry[]): void;
  /** Forget every presence entry node `from` sent (its link dropped or it restarted); tells the sessions. */
  peerPresenceGone(from: number): void;
  /** The current presence of this node's own sessions, per document (to resend to a reconnected peer). */
  localPresence(): { docId: string; entries: PresenceEntry[] }[];
}

/** Replication strategy of a relay node. One instance per node. */
/** What a join's read found (see {@link Replicator.readState}). */
export interface ReadStateResult {
  /** Updates other nodes hold that the reading node lacked. */
  readonly updates: readonly Uint8Array[];
  /**
   * Whether R nodes (this one included) answered: then the state holds every update acknowledged
   * before the read began (R + W > N). False when fewer answered within the read's wait.
   */
  readonly readQuorum: boolean;
}

export interface Replicator {
  /** Called once before the node accepts clients. */
  start(host: ReplicaHost): Promise<void>;
  /**
   * Make a validated update durable. Resolves once the write quorum holds it durably (the
   * relay then acknowledges it to the client): `w` nodes when the client asked for a write
   * concern (`1`, a `'majority'` of the N nodes, `'all'` N), else the node's configured W.
   * Rejects with {@link ReplicationError} when that cannot happen (the client resends later;
   * updates are idempotent). Concurrent calls are independent; they may resolve in any order.
   */
  replicate(docId: string, update: Uint8Array, w?: WriteConcern): Promise<void>;
  /**
   * Read quorum: updates held by other nodes that a node at `stateVector` lacks, called when a
   * client joins before the relay answers it, and whether R nodes answered (the client's
   * `welcome` says so). With `session` (a joining client's session vector, decoded), it also
   * waits for peers' answers until they cover it together with `stateVector`, within the same
   * wait. The single node resolves no updates and `readQuorum: true`.
   * @throws {DecodeError} synchronously when `stateVector` is malformed (it is the node's own).
   */
  readState(
    docId: string,
    stateVector: Uint8Array,
    session?: ReadonlyMap<number, number>,
  ): Promise<ReadStateResult>;
  /**
   * Best effort: tell the other nodes that presence of this node's sessions in `docId` changed
   * (absent for a single node). Never throws; dropped while a peer link is down (the full state
   * is resent when it comes back).
   */
  publishPresence?(docId: string, entries: readonly PresenceEntry[]): void;
  /**
   * Compare-and-set `req.key` of `docId`'s register, linearizably (see
   * `register/register-replication.ts`): served by the leader, forwarded there by a follower,
   * answered once a majority holds the outcome durably. Never rejects: `retry` (not applied),
   * `unknown` (maybe applied; retry with the same op id), `refused` (a limit).
   */
  cas(docId: string, req: CasRequest): Promise<CasOutcome>;
  /**
   * This node just loaded `docId`'s room and storage held nothing of it: whatever of it the node
   * takes in from now on comes through the replicator (absent for a single node). A cluster node
   * uses it to let a new document's first forwards go without a causal pull.
   */
  loadedEmpty?(docId: string): void;
  /** The current cluster status. */
  status(): ClusterStatus;
  /** The document's latest ordered snapshot number. */
  snapshotOf(docId: string): SnapshotNumber;
  /** Subscribe to status and snapshot changes; returns the unsubscribe function. */
  onEvent(listener: (event: ReplicatorEvent) => void): () => void;
  /** Extra fields for `/healthz` (peer reachability, quorum). */
  health(): Record<string, unknown>;
  /** Stop (on shutdown), after the node stopped taking client updates. */
  stop(): Promise<void>;
}
