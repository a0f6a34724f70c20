/**
 * A relay node assembled from its parts: store, group committer, relay, replicator, transport.
 * `main.ts` starts one from the CLI; tests and the cluster layer start them in-process too.
 */

import { CloseCode } from '@accord/core/protocol';
import { type Logger, pino } from 'pino';
import { DEFAULT_ALLOWED_ORIGINS, originMatcher } from './auth/origins.js';
import { hmacVerifier, openVerifier } from './auth/tokens.js';
import type { RelayConfig } from './config.js';
import { createMetrics, type RelayMetrics } from './ops/metrics.js';
import type { Connection, ConnectionHandler } from './relay/connection.js';
import type { DocumentEngine } from './relay/document.js';
import { LocalReplicator } from './relay/local-replicator.js';
import { Relay } from './relay/relay.js';
import type { Replicator } from './relay/replicator.js';
import type { Committer } from './storage/committer.js';
import { GroupCommitter } from './storage/group-commit.js';
import { SqliteStore } from './storage/sqlite-store.js';
import { WorkerCommitter } from './storage/worker-committer.js';
import { RealScheduler, type Scheduler } from './time/scheduler.js';
import { tlsFromConfig } from './tls-files.js';
import { UPGRADE_REFUSALS } from './transport/admission.js';
import { startTransport, type Transport } from './transport/ws-server.js';

/** A budget shared by many connections: the given rates, bursts of 4 seconds' worth. */
function sharedRate(framesPerSecond: number, bytesPerSecond: number) {
  return { framesPerSecond, frameBurst: framesPerSecond * 4, bytesPerSecond, byteBurst: bytesPerSecond * 4 };
}

/** Why a witness closes every client connection (with `CloseCode.goingAway`: try another node). */
export const WITNESS_REFUSAL = 'witness node: it serves no documents; connect to a full replica';

/** A witness's answer to a client connection: closed at once, nothing read. */
function refuseAsWitness(conn: Connection): ConnectionHandler {
  conn.close(CloseCode.goingAway, WITNESS_REFUSAL);
  return { onFrame: () => {}, onClose: () => {} };
}

/** Builds the replicator of a node; the default is {@link LocalReplicator} (a cluster of one). */
export type ReplicatorFactory = (config: RelayConfig) => Replicator;

/** Extra inputs of {@link startRelayNode}. */
export interface StartOptions {
  /** The CRDT document engine (production: `coreEngine` from `relay/core-engine.ts`). */
  readonly engine: DocumentEngine;
  /** The cluster layer; without it the node is a cluster of one. */
  readonly replicator?: ReplicatorFactory;
  /** Logger (default: pino JSON to stdout at `config.logLevel`). */
  readonly logger?: Logger;
  /** Register process-level metrics (default true; turn off for several nodes in one process). */
  readonly defaultMetrics?: boolean;
  /** Where SQLite commits run: `worker` (default, the event loop never blocks on fsync) or `main`. */
  readonly commitThread?: 'worker' | 'main';
  /** On shutdown, how long to wait for writes still waiting on their quorum (default 5 s). */
  readonly drainGraceMs?: number;
  /** Room unload delay (default 30 s). */
  readonly roomIdleMs?: number;
  /**
   * The node's clock and timers: the relay's, the local replicator's and the transport's (default
   * real time; tests pass a `ManualScheduler` to cross deadlines in virtual time).
   */
  readonly scheduler?: Scheduler;
  /**
   * Wall clock, ms since the epoch (default `Date.now`): token expiry, and versions' times when
   * the node is a cluster of one (a cluster replicator takes its own).
   */
  readonly wallClock?: () => number;
}

/** A running node. */
export interface RelayNode {
  readonly config: RelayConfig;
  /** The bound client port. */
  readonly port: number;
  readonly relay: Relay;
  readonly replicator: Replicator;
  readonly store: SqliteStore;
  readonly metrics: RelayMetrics;
  readonly logger: Logger;
  /**
   * Graceful shutdown: stop accepting connections, commit what is queued, acknowledge it,
   * close sessions with `going-away` (4004), stop the replicator, checkpoint and close SQLite.
   * Idempotent.
   */
  close(): Promise<void>;
}

/** Open storage, start the replicator and the transport. Rejects if the port or the file cannot be opened. */
export async function startRelayNode(config: RelayConfig, options: StartOptions): Promise<RelayNode> {
  const logger = options.logger ?? pino({ level: config.logLevel, base: { node: config.id } });
  if (config.authSecret === null) {
    logger.warn(
      '!!! AUTH DISABLED (--auth none): anyone who can reach this port can read and change every document. Development only. !!!',
    );
  }
  const store = SqliteStore.open({ dir: config.dataDir, nodeId: config.id, sync: config.sync });
  // Commits run on a worker thread so the event loop never waits for an fsync.
  const committer: Committer =
    options.commitThread === 'main'
      ? new GroupCommitter(store)
      : new WorkerCommitter(store.path, config.sync, undefined, store.foldRows);
  const metrics = createMetrics(config.id, options.defaultMetrics ?? true);
  // One clock for the node's timers: the relay's, the local replicator's and the transport's.
  const scheduler = options.scheduler ?? new RealScheduler();
  const wallClock = options.wallClock ?? Date.now;
  if (!options.replicator && config.peers.length > 0) {
    logger.warn(
      { peers: config.peers.length },
      'no cluster replicator is wired in: --peers is ignored and this node runs as a cluster of one',
    );
  }
  const replicator = options.replicator
    ? options.replicator(config)
    : new LocalReplicator({
        snapshotEveryUpdates: config.snapshotEvery,
        snapshotIdleMs: config.snapshotIdleMs,
        keepSnapshots: config.keepSnapshots,
        scheduler,
        wallClock,
        // Snapshots due together are taken one per event-loop turn (no stall under load).
        defer: (fn) => setImmediate(fn),
      });
  const relay = new Relay({
    nodeId: config.id,
    store,
    committer,
    engine: options.engine,
    replicator,
    verifier:
      config.authSecret === null ? openVerifier() : hmacVerifier(config.authSecret, undefined, wallClock),
    logger,
    metrics,
    scheduler,
    wallClock,
    limits: {
      rate: {
        framesPerSecond: config.rateLimit,
        frameBurst: config.rateBurst,
        bytesPerSecond: config.rateBytes,
        byteBurst: config.rateBytes * 4,
      },
      addressRate: sharedRate(config.rateLimitAddress, config.rateBytesAddress),
      tokenRate: sharedRate(config.rateLimitToken, config.rateBytesToken),
      presenceTtlMs: config.presenceTtlMs,
      presenceIntervalMs: config.presenceIntervalMs,
      presenceMaxBytes: config.presenceMaxBytes,
      presenceRoomBytes: config.presenceRoomBytes,
      handshakeTimeoutMs: config.handshakeTimeoutMs,
      joinTimeoutMs: config.joinTimeoutMs,
      maxBufferedBytes: Math.max(8 * 1024 * 1024, config.maxPayload * 4),
      // A witness keeps its log as it came: its holder hands each update over with its stamp and
      // drops it once enough full replicas hold it; folding the log into a snapshot would hide
      // held updates from both (and keep them for good).
      snapshotEvery: config.witness ? 0 : config.snapshotEvery,
      roomIdleMs: options.roomIdleMs ?? 30_000,
    },
  });
  let transport: Transport;
  try {
    await replicator.start(relay);
    transport = await startTransport(
      {
        host: config.host,
        port: config.port,
        maxPayload: config.maxPayload,
        maxConnections: config.maxConnections,
        maxPending: config.maxPending,
        maxPendingPerAddress: config.maxPendingPerAddress,
        unlimitedAddresses: config.unlimitedAddresses,
        keepAliveMs: config.keepAliveMs,
        writeCoalesceMs: config.writeCoalesceMs,
        writeCoalesceMaxMs: config.writeCoalesceMaxMs,
        tls: tlsFromConfig(config),
        isOriginAllowed: originMatcher(config.allowedOrigins ?? DEFAULT_ALLOWED_ORIGINS),
        logger,
        scheduler,
        onRefused: (reason) => {
          metrics.admissionRefused.inc({ reason });
          const http = UPGRADE_REFUSALS[reason];
          if (http !== undefined) metrics.refusedUpgrades.inc({ reason: http.phrase });
        },
      },
      {
        accept: (conn) => (config.witness ? refuseAsWitness(conn) : relay.accept(conn)),
        accepting: () => relay.isAccepting,
        health: () => ({
          ok: relay.isAccepting,
          nodeId: config.id,
          witness: config.witness,
          connections: relay.connectionCount,
          pending: transport.admission().pending,
          rooms: relay.rooms.size,
          cluster: replicator.status(),
          replication: replicator.health(),
        }),
        metrics: async () => {
          metrics.rooms.set(relay.rooms.size);
          metrics.pendingConnections.set(transport.admission().pending);
          const cluster = replicator.status();
          const replication = replicator.health();
          metrics.term.set(cluster.term);
          metrics.leader.set(cluster.leaderId ?? -1);
          const peers = replication.peersConnected;
          metrics.peersUp.set(Array.isArray(peers) ? peers.length : 0);
          const pending = replication.pendingWrites;
          metrics.pendingQuorumWrites.set(typeof pending === 'number' ? pending : 0);
          const presence = relay.presenceBytes;
          metrics.presenceBytes.set({ origin: 'local' }, presence.local);
          metrics.presenceBytes.set({ origin: 'remote' }, presence.remote);
          return { contentType: metrics.registry.contentType, body: await metrics.registry.metrics() };
        },
      },
    );
  } catch (e) {
    await replicator.stop().catch(() => {});
    await committer.close();
    store.close();
    throw e;
  }
  logger.info(
    {
      port: transport.port,
      host: config.host,
      tls: config.tlsCertFile !== null,
      data: store.path,
      sync: config.sync,
      peers: config.peers.length,
    },
    'relay listening',
  );
  let closing: Promise<void> | null = null;
  return {
    config,
    port: transport.port,
    relay,
    replicator,
    store,
    metrics,
    logger,
    close() {
      closing ??= (async () => {
        transport.stopAccepting();
        await relay.drain(options.drainGraceMs ?? 5000);
        await replicator.stop();
        await committer.close();
        await transport.close();
        store.close();
        logger.info('relay stopped');
      })();
      return closing;
    },
  };
}
