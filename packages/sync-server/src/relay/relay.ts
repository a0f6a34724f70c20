/**
 * The relay: accepts connections, runs the handshake (token checked before any document byte),
 * validates each update against the room's document, relays it, hands it to the replicator and
 * acknowledges it once durable, relays and expires presence, and pushes cluster status. No
 * socket library here: the transport adapts sockets to {@link Connection}.
 */
import {
  type ClientMessage,
  CloseCode,
  DecodeError,
  encodeMessage,
  type HelloMessage,
  type PresenceEntry,
} from '@accord/core';
import type { Logger } from 'pino';
import { AuthError, type TokenVerifier } from '../auth/tokens.js';
import type { RelayMetrics } from '../ops/metrics.js';
import type { Committer } from '../storage/committer.js';
import type { SqliteStore } from '../storage/sqlite-store.js';
import { ClusterPresence } from './cluster-presence.js';
import { clusterFrame } from './cluster-status.js';
import type { Connection, ConnectionHandler } from './connection.js';
import type { DocumentEngine } from './document.js';
import { newSessionId } from './remote-presence.js';
import type { ReplicaHost, Replicator } from './replicator.js';
import { type Room, RoomRegistry } from './rooms.js';
import { type RateLimits, Session, type SessionHost } from './session.js';

/** Limits and timeouts of a relay (all have CLI flags). */
export interface RelayLimits {
  readonly rate: RateLimits;
  readonly presenceTtlMs: number;
  readonly handshakeTimeoutMs: number;
  /** Disconnect a client with more than this many bytes queued for it. */
  readonly maxBufferedBytes: number;
  /** Compact a document after this many log entries (0: never). */
  readonly snapshotEvery: number;
  /** Unload a room this long after its last user left. */
  readonly roomIdleMs: number;
}

/** Everything a {@link Relay} is built from. */
export interface RelayOptions {
  readonly nodeId: number;
  readonly store: SqliteStore;
  readonly committer: Committer;
  readonly engine: DocumentEngine;
  readonly replicator: Replicator;
  readonly verifier: TokenVerifier;
  readonly logger: Logger;
  readonly metrics: RelayMetrics;
  readonly limits: RelayLimits;
  /** Clock in ms for rate limits and presence expiry (default `performance.now`). */
  readonly now?: () => number;
}

const authClose = {
  'auth-failed': CloseCode.authFailed,
  'token-expired': CloseCode.tokenExpired,
  forbidden: CloseCode.forbidden,
};

/** A relay node's protocol logic. One instance per node. */
export class Relay implements SessionHost, ReplicaHost {
  readonly nodeId: number;
  readonly store: SqliteStore;
  readonly logger: Logger;
  readonly rooms: RoomRegistry;
  private readonly sessions = new Set<Session>();
  /** Presence of this node's sessions (shared with the cluster) and of other nodes' sessions. */
  private readonly presence: ClusterPresence;
  private readonly now: () => number;
  private readonly sweepTimer: ReturnType<typeof setInterval>;
  private readonly unsubscribe: () => void;
  private accepting = true;
  /** Writes handed to the replicator and not yet settled (awaited on shutdown). */
  private inflight = 0;
  private drainWaiters: (() => void)[] = [];

  constructor(private readonly options: RelayOptions) {
    this.nodeId = options.nodeId;
    this.store = options.store;
    this.logger = options.logger;
    this.now = options.now ?? (() => performance.now());
    const m = options.metrics;
    this.rooms = new RoomRegistry({
      store: options.store,
      engine: options.engine,
      logger: options.logger,
      snapshotEvery: options.limits.snapshotEvery,
      idleMs: options.limits.roomIdleMs,
      onCorrupt: () => m.corruptUpdates.inc(),
      onCompact: () => m.compactions.inc(),
      writeCompaction: (docId, snapshot, upTo) => options.committer.compact(docId, snapshot, upTo),
    });
    this.presence = new ClusterPresence(this.rooms, options.replicator, this.now);
    options.committer.onBatch(({ size, durationMs, perDoc }) => {
      m.commitBatch.observe(size);
      m.commitSeconds.observe(durationMs / 1000);
      setImmediate(() => this.rooms.committed(perDoc));
    });
    const ttl = options.limits.presenceTtlMs;
    this.sweepTimer = setInterval(() => this.presence.sweep(ttl), Math.max(50, Math.min(1000, ttl / 4)));
    this.sweepTimer.unref?.();
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

  /** Open connections. */
  get connectionCount(): number {
    return this.sessions.size;
  }

  /** Whether new connections are accepted (false once shutting down). */
  get isAccepting(): boolean {
    return this.accepting;
  }

  /** Start serving a new connection. Returns the handler the transport feeds frames to. */
  accept(conn: Connection): ConnectionHandler {
    const { limits } = this.options;
    const session = new Session(
      newSessionId(this.nodeId),
      conn,
      this,
      limits.rate,
      limits.handshakeTimeoutMs,
      this.now,
      limits.maxBufferedBytes,
    );
    this.sessions.add(session);
    this.options.metrics.connections.set(this.sessions.size);
    if (!this.accepting) session.fail('going-away', CloseCode.goingAway, 'node is shutting down');
    return session;
  }

  // ---- SessionHost ----

  hello(session: Session, msg: HelloMessage): void {
    this.join(session, msg).catch((e: unknown) => {
      this.logger.error({ err: e, docId: msg.docId }, 'handshake failed');
      session.fail('internal', CloseCode.internalError, 'handshake failed');
    });
  }

  private async join(session: Session, msg: HelloMessage): Promise<void> {
    const { verifier, replicator, metrics } = this.options;
    let scope: 'read' | 'write';
    let expiresAt: number;
    try {
      ({ scope, expiresAt } = await verifier.verify(msg.token, msg.docId));
    } catch (e) {
      const code = e instanceof AuthError ? e.code : 'auth-failed';
      this.logger.info({ remote: session.conn.remote, docId: msg.docId, code }, 'token refused');
      session.fail(code, authClose[code], code);
      return;
    }
    if (!session.open) return;
    const room = this.rooms.acquire(msg.docId);
    try {
      const missing = await replicator.readState(msg.docId, room.doc.stateVector());
      for (const u of missing) await this.ingestInto(room, u);
      if (!session.open) return;
      let diff: Uint8Array;
      try {
        diff = room.doc.diff(msg.stateVector);
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        session.fail('bad-frame', CloseCode.badData, `bad state vector: ${e.message}`);
        return;
      }
      room.sessions.add(session);
      metrics.rooms.set(this.rooms.size);
      const cluster = clusterFrame(this.options.replicator, room.docId);
      session.send({
        type: 'welcome',
        sessionId: session.id,
        scope,
        nodeId: this.nodeId,
        presenceTtlMs: this.options.limits.presenceTtlMs,
      });
      session.send({ type: 'sync', update: diff, stateVector: room.doc.stateVector() });
      session.sendRaw(cluster);
      const entries = this.presence.joinEntries(room);
      if (entries.length > 0) session.send({ type: 'presence-update', entries });
      session.joined(scope, expiresAt * 1000 - Date.now());
      this.logger.debug(
        {
          docId: room.docId,
          sessionId: session.id,
          scope,
          remote: session.conn.remote,
          peers: room.sessions.size - 1,
        },
        'session joined',
      );
    } finally {
      this.rooms.release(room);
    }
  }

  message(session: Session, msg: ClientMessage): void {
    const room = this.rooms.get(session.docId);
    if (!room) return;
    switch (msg.type) {
      case 'update':
        this.update(session, room, msg.id, msg.update);
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
      case 'presence':
        this.presence.set(room, session, msg.state);
        return;
      default:
        session.fail('unexpected-message', CloseCode.policy, `${msg.type} is not expected here`);
    }
  }

  private update(session: Session, room: Room, id: number, update: Uint8Array): void {
    const m = this.options.metrics;
    if (!this.accepting) {
      session.error('going-away', 'node is shutting down; resend on another connection', id);
      return;
    }
    if (session.scope !== 'write') {
      m.updatesRejected.inc({ reason: 'read-only' });
      session.error('read-only', 'this session may not change the document', id);
      return;
    }
    try {
      room.doc.apply(update);
    } catch (e) {
      m.updatesRejected.inc({ reason: 'bad-update' });
      if (!(e instanceof DecodeError))
        this.logger.error({ err: e, docId: room.docId }, 'apply threw a non-DecodeError');
      session.fail('bad-update', CloseCode.badData, e instanceof Error ? e.message : 'bad update', id);
      return;
    }
    m.updatesReceived.inc();
    m.updateBytes.inc(update.length);
    m.deliveries.inc(room.broadcast(encodeMessage({ type: 'update', id: 0, update }), session));
    const t0 = this.now();
    room.holds++;
    this.inflight++;
    const settle = () => {
      this.rooms.release(room);
      if (--this.inflight === 0) this.wakeDrained();
    };
    this.options.replicator.replicate(room.docId, update).then(
      () => {
        settle();
        m.updatesAcked.inc();
        m.ackSeconds.observe((this.now() - t0) / 1000);
        session.send({ type: 'ack', id });
      },
      (e: unknown) => {
        settle();
        this.logger.warn({ err: e, docId: room.docId }, 'update not durable');
        session.error('unavailable', 'the update could not be made durable; resend it', id);
      },
    );
  }

  private wakeDrained(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  }

  closed(session: Session): void {
    this.sessions.delete(session);
    this.options.metrics.connections.set(this.sessions.size);
    const room = this.rooms.get(session.docId);
    if (!room?.sessions.delete(session)) return;
    this.logger.debug({ docId: room.docId, sessionId: session.id }, 'session left');
    this.presence.set(room, session, null);
    this.rooms.maybeUnload(room);
  }

  count(kind: 'error' | 'close', code: string | number): void {
    const m = this.options.metrics;
    if (kind === 'error') m.errors.inc({ code: String(code) });
    else m.closes.inc({ code: String(code) });
  }

  // ---- cluster status ----

  private sendCluster(room: Room): void {
    if (room.sessions.size === 0) return;
    room.broadcast(clusterFrame(this.options.replicator, room.docId));
  }

  // ---- ReplicaHost ----

  persist(docId: string, update: Uint8Array): Promise<number> {
    return this.options.committer.append(docId, update);
  }

  async ingest(docId: string, update: Uint8Array): Promise<void> {
    const room = this.rooms.acquire(docId);
    try {
      await this.ingestInto(room, update);
    } finally {
      this.rooms.release(room);
    }
  }

  private async ingestInto(room: Room, update: Uint8Array): Promise<void> {
    room.doc.apply(update);
    this.options.metrics.deliveries.inc(room.broadcast(encodeMessage({ type: 'update', id: 0, update })));
    await this.persist(room.docId, update);
  }

  async stateVector(docId: string): Promise<Uint8Array> {
    const room = this.rooms.acquire(docId);
    try {
      return room.doc.stateVector();
    } finally {
      this.rooms.release(room);
    }
  }

  async diff(docId: string, stateVector: Uint8Array): Promise<Uint8Array> {
    const room = this.rooms.acquire(docId);
    try {
      return room.doc.diff(stateVector);
    } finally {
      this.rooms.release(room);
    }
  }

  documents(): string[] {
    return this.store.documents();
  }

  peerPresence(from: number, docId: string, entries: readonly PresenceEntry[]): void {
    this.presence.fromPeer(from, docId, entries);
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
    await this.options.committer.flush();
    // Writes waiting on peers (a cluster without quorum) are not waited for forever: after the
    // grace period their clients get no ack and resend them to another node.
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      new Promise<void>((resolve) => {
        if (this.inflight === 0) resolve();
        else this.drainWaiters.push(resolve);
      }),
      new Promise((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
    for (const s of [...this.sessions]) s.fail('going-away', CloseCode.goingAway, 'node is shutting down');
    clearInterval(this.sweepTimer);
    this.unsubscribe();
    this.rooms.close();
  }
}
