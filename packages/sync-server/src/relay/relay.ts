/**
 * The relay: accepts connections, runs the handshake (the document id is checked here; the token
 * check and the room's catch-up, before any document byte, are the join path's: `joins.ts`),
 * hands validated updates to the write path, relays and expires presence, and pushes cluster
 * status. Charges every frame to the connection's rate budget and to budgets shared per address
 * and per token. No socket library here: the transport adapts sockets to {@link Connection}; time
 * and timers come from an injected {@link Scheduler}.
 */
import {
  type ClientMessage,
  CloseCode,
  DecodeError,
  describeDocIdProblem,
  docIdProblem,
  encodeMessage,
  type HelloMessage,
  type PresenceEntry,
} from '@accord/core/protocol';
import type { Logger } from 'pino';
import type { RelayMetrics } from '../ops/metrics.js';
import type { MetaEntry, SqliteStore, VersionToKeep } from '../storage/sqlite-store.js';
import { RealScheduler, type Scheduler } from '../time/scheduler.js';
import { serveCas } from './cas-requests.js';
import { ClusterPresence } from './cluster-presence.js';
import { clusterFrame } from './cluster-status.js';
import type { Connection, ConnectionHandler } from './connection.js';
import { JoinPath } from './joins.js';
import { FrameBudget, SharedBudgets } from './rate-limit.js';
import type { RelayOptions } from './relay-options.js';
import { newSessionId } from './remote-presence.js';
import type { ReplicaHost } from './replicator.js';
import { type Room, RoomRegistry } from './rooms.js';
import { Session, type SessionHost } from './session.js';
import { answerVersionRequest } from './versions.js';
import { WritePath } from './writes.js';

export type { RelayLimits, RelayOptions } from './relay-options.js';

/** `docId`, if valid; else throws `DecodeError` (peers' messages are checked like clients'). */
function validPeerDocId(docId: string): string {
  const problem = docIdProblem(docId);
  if (problem !== null) throw new DecodeError('invalid', describeDocIdProblem(problem));
  return docId;
}

/** A relay node's protocol logic. One instance per node. */
export class Relay implements SessionHost, ReplicaHost {
  readonly nodeId: number;
  readonly store: SqliteStore;
  readonly logger: Logger;
  readonly rooms: RoomRegistry;
  private readonly sessions = new Set<Session>();
  /** Presence of this node's sessions (shared with the cluster) and of other nodes' sessions. */
  private readonly presence: ClusterPresence;
  private readonly scheduler: Scheduler;
  private readonly writes: WritePath;
  private readonly joins: JoinPath;
  private readonly addressBudgets: SharedBudgets;
  private readonly tokenBudgets: SharedBudgets;
  private readonly unsubscribe: () => void;
  private accepting = true;

  constructor(private readonly options: RelayOptions) {
    this.nodeId = options.nodeId;
    this.store = options.store;
    this.logger = options.logger;
    const scheduler = options.scheduler ?? new RealScheduler();
    this.scheduler = scheduler;
    const now = () => scheduler.now();
    const m = options.metrics;
    const { limits } = options;
    this.addressBudgets = new SharedBudgets('address', limits.addressRate, now);
    this.tokenBudgets = new SharedBudgets('token', limits.tokenRate, now);
    this.rooms = new RoomRegistry({
      store: options.store,
      engine: options.engine,
      logger: options.logger,
      snapshotEvery: options.limits.snapshotEvery,
      idleMs: options.limits.roomIdleMs,
      scheduler,
      onCorrupt: () => m.corruptUpdates.inc(),
      onCompact: () => m.compactions.inc(),
      onLoadedEmpty: (docId) => options.replicator.loadedEmpty?.(docId),
      writeCompaction: (docId, snapshot, upTo) => options.committer.compact(docId, snapshot, upTo),
    });
    this.presence = new ClusterPresence(
      this.rooms,
      options.replicator,
      scheduler,
      {
        ttlMs: limits.presenceTtlMs,
        intervalMs: limits.presenceIntervalMs,
        maxEntryBytes: limits.presenceMaxBytes,
        maxRoomBytes: limits.presenceRoomBytes,
      },
      (source, reason) => m.presenceRefused.inc({ source, reason }),
    );
    this.presence.start();
    this.joins = new JoinPath({
      nodeId: options.nodeId,
      rooms: this.rooms,
      replicator: options.replicator,
      verifier: options.verifier,
      metrics: m,
      logger: options.logger,
      limits,
      tokenBudgets: this.tokenBudgets,
      presence: this.presence,
      wallClock: options.wallClock ?? Date.now,
      ingest: (room, update) => this.ingestInto(room, update),
    });
    this.writes = new WritePath({
      rooms: this.rooms,
      replicator: options.replicator,
      metrics: m,
      logger: options.logger,
      scheduler,
    });
    options.committer.onBatch(({ size, durationMs, perDoc }) => {
      m.commitBatch.observe(size);
      m.commitSeconds.observe(durationMs / 1000);
      setImmediate(() => this.rooms.committed(perDoc));
    });
    this.unsubscribe = options.replicator.onEvent((e) => {
      if (e.kind === 'status') for (const r of this.rooms.all()) this.sendCluster(r);
      else {
        const r = this.rooms.get(e.docId);
        if (r) this.sendCluster(r);
      }
    });
  }

  /** The node's metric registry (ReplicaHost). */
  get metrics(): RelayMetrics['registry'] {
    return this.options.metrics.registry;
  }

  /** Encoded presence bytes this node holds: its own sessions' and other nodes'. */
  get presenceBytes(): { local: number; remote: number } {
    return this.presence.bytes();
  }

  /** Open connections. */
  get connectionCount(): number {
    return this.sessions.size;
  }

  /** Whether new connections are accepted (false once shutting down). */
  get isAccepting(): boolean {
    return this.accepting;
  }

  /**
   * Start serving a new connection. Returns the handler the transport feeds frames to. Its frames
   * are charged to its own rate budget and to its address's (shared with the address's other
   * connections); the hello deadline starts now.
   */
  accept(conn: Connection): ConnectionHandler {
    const { limits } = this.options;
    const now = () => this.scheduler.now();
    const budgets = [new FrameBudget('connection', limits.rate, now)];
    if (conn.address !== undefined && this.addressBudgets.enabled)
      budgets.push(this.addressBudgets.acquire(conn.address));
    const session = new Session(
      newSessionId(this.nodeId),
      conn,
      this,
      {
        helloTimeoutMs: limits.handshakeTimeoutMs * (0.75 + 0.25 * (this.options.random ?? Math.random)()),
        joinTimeoutMs: limits.joinTimeoutMs,
        maxBufferedBytes: limits.maxBufferedBytes,
        maxPresenceBytes: limits.presenceMaxBytes,
      },
      budgets,
      this.scheduler,
    );
    this.sessions.add(session);
    this.options.metrics.connections.set(this.sessions.size);
    if (!this.accepting) session.fail('going-away', CloseCode.goingAway, 'node is shutting down');
    return session;
  }

  // ---- SessionHost ----

  hello(session: Session, msg: HelloMessage): void {
    // The decoder admits only well-formed ids; other Connection adapters might not.
    const problem = docIdProblem(msg.docId);
    if (problem !== null) {
      session.fail('bad-frame', CloseCode.badData, describeDocIdProblem(problem));
      return;
    }
    this.joins.join(session, msg).catch((e: unknown) => {
      this.logger.error({ err: e, docId: msg.docId }, 'handshake failed');
      session.fail('internal', CloseCode.internalError, 'handshake failed');
    });
  }

  message(session: Session, msg: ClientMessage): void {
    const room = this.rooms.get(session.docId);
    if (!room) return;
    switch (msg.type) {
      case 'update':
        this.writes.update(session, room, msg.id, msg.update);
        return;
      case 'resync':
        try {
          session.send({
            type: 'sync',
            update: room.doc.diff(msg.stateVector),
            stateVector: room.doc.stateVector(),
          });
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
          session.fail('bad-frame', CloseCode.badData, `bad state vector: ${e.message}`);
        }
        return;
      case 'presence': {
        const refused = this.presence.set(room, session, msg.state);
        if (refused === 'entry-bytes')
          session.error(
            'too-large',
            `presence over ${this.options.limits.presenceMaxBytes} bytes is not relayed`,
          );
        else if (refused === 'room-bytes')
          session.error('too-large', 'the room holds as much presence as it may; yours was not relayed');
        return;
      }
      case 'list-versions':
      case 'get-version':
        session.send(answerVersionRequest(this.options.store, room.docId, msg));
        return;
      case 'cas':
        serveCas(session, this.options.replicator, room.docId, msg);
        return;
      default:
        session.fail('unexpected-message', CloseCode.policy, `${msg.type} is not expected here`);
    }
  }

  closed(session: Session): void {
    this.sessions.delete(session);
    this.options.metrics.connections.set(this.sessions.size);
    if (session.conn.address !== undefined && this.addressBudgets.enabled)
      this.addressBudgets.release(session.conn.address);
    if (session.tokenKey !== null) this.tokenBudgets.release(session.tokenKey);
    const room = this.rooms.get(session.docId);
    if (!room?.sessions.delete(session)) return;
    this.logger.debug({ docId: room.docId, sessionId: session.id }, 'session left');
    this.presence.set(room, session, null);
    this.rooms.maybeUnload(room);
  }

  count(kind: 'error' | 'close' | 'rate-limited' | 'admission' | 'presence', code: string | number): void {
    const m = this.options.metrics;
    if (kind === 'error') m.errors.inc({ code: String(code) });
    else if (kind === 'close') m.closes.inc({ code: String(code) });
    else if (kind === 'rate-limited') m.rateLimited.inc({ scope: String(code) });
    else if (kind === 'admission') m.admissionRefused.inc({ reason: String(code) });
    else m.presenceRefused.inc({ source: 'client', reason: String(code) });
  }

  // ---- cluster status ----

  private sendCluster(room: Room): void {
    if (room.sessions.size === 0) return;
    room.broadcast(clusterFrame(this.options.replicator, room.docId));
  }

  // ---- ReplicaHost (a peer's document id is checked like a client's: a bad one rejects with DecodeError) ----

  persist(docId: string, update: Uint8Array): Promise<number> {
    return this.options.committer.append(docId, update);
  }

  /** Keeps a version through the node's committer (see {@link ReplicaHost.keepVersion}). */
  keepVersion(docId: string, v: VersionToKeep, keep: number, meta?: MetaEntry): Promise<void> {
    return this.options.committer.putVersion(docId, v, keep, meta);
  }

  ingest(docId: string, update: Uint8Array): Promise<void> {
    try {
      return this.ingestNow(docId, update);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  ingestNow(docId: string, update: Uint8Array): Promise<void> {
    const room = this.rooms.acquire(validPeerDocId(docId));
    try {
      this.applyAndRelay(room, update);
    } catch (e) {
      this.rooms.release(room);
      throw e;
    }
    return this.persist(room.docId, update).then(
      () => this.rooms.release(room),
      (e: unknown) => {
        this.rooms.release(room);
        throw e;
      },
    );
  }

  private async ingestInto(room: Room, update: Uint8Array): Promise<void> {
    this.applyAndRelay(room, update);
    await this.persist(room.docId, update);
  }

  /**
   * Apply a peer's (or a quorum read's) update to the room and relay it to its sessions, unless
   * the room's document already held all of it (a forward arriving twice, a fill or a read
   * repeating what was forwarded): its sessions have that already. An update that released what
   * the document held is relayed with it while a session may lack that (`Room.applyUpdate`).
   */
  private applyAndRelay(room: Room, update: Uint8Array): void {
    const m = this.options.metrics;
    const relayed = room.applyUpdate(update);
    if (relayed === null) m.duplicateUpdates.inc({ source: 'peer' });
    else m.deliveries.inc(room.broadcast(encodeMessage({ type: 'update', id: 0, update: relayed })));
  }

  async stateVector(docId: string): Promise<Uint8Array> {
    const room = this.rooms.acquire(validPeerDocId(docId));
    try {
      return room.doc.stateVector();
    } finally {
      this.rooms.release(room);
    }
  }

  async diff(docId: string, stateVector: Uint8Array): Promise<Uint8Array> {
    const room = this.rooms.acquire(validPeerDocId(docId));
    try {
      return room.doc.diff(stateVector);
    } finally {
      this.rooms.release(room);
    }
  }

  documents(): string[] {
    return this.store.documents();
  }

  /** Documents with a room open on this node (see {@link ReplicaHost.openDocuments}). */
  get openDocuments(): number {
    return this.rooms.size;
  }

  peerPresence(from: number, docId: string, entries: readonly PresenceEntry[]): void {
    if (docIdProblem(docId) === null) this.presence.fromPeer(from, docId, entries);
  }

  peerPresenceGone(from: number): void {
    this.presence.peerGone(from);
  }

  localPresence(): { docId: string; entries: PresenceEntry[] }[] {
    return this.presence.local();
  }

  // ---- shutdown ----

  /**
   * Graceful shutdown, step 1: refuse new connections and new updates, commit what is queued,
   * send the acknowledgements of everything committed, then close every session with
   * `going-away` (4004). Writes still waiting for their quorum after `graceMs` are abandoned
   * (not acknowledged). The store stays open (the caller closes it after the replicator stops).
   */
  async drain(graceMs = 5000): Promise<void> {
    this.accepting = false;
    this.writes.accepting = false;
    await this.options.committer.flush();
    // Writes waiting on peers (a cluster without quorum) are not waited for forever: after the
    // grace period their clients get no ack and resend them to another node.
    await this.writes.settled(graceMs);
    for (const s of [...this.sessions]) s.fail('going-away', CloseCode.goingAway, 'node is shutting down');
    this.presence.close();
    this.unsubscribe();
    this.rooms.close();
  }
}
