/**
 * Options, events and status types of the provider, with their defaults.
 */
import type {
  ClusterMessage,
  PresenceState,
  Scope,
  SessionStatus,
  WriteConcern,
} from '@accord/core/protocol';
import type { BackoffOptions } from './backoff.js';
import type { ProviderError } from './errors.js';
import type { Scheduler } from './scheduler.js';
import type { WebSocketConstructor } from './socket.js';
import type { BroadcastChannelFactory } from './tabs/tab-channel.js';

/**
 * Where the provider stands:
 * - `connecting`: trying to reach a relay (opening a socket or waiting out a backoff delay);
 * - `connected`: a socket is open and the handshake is under way;
 * - `synced`: the relay's state is applied and local edits flow both ways;
 * - `offline`: not trying (after `disconnect()`, `destroy()`, or an error it cannot retry).
 */
export type ProviderStatus = 'connecting' | 'connected' | 'synced' | 'offline';

/** A token, or a function that returns a fresh one (called before every handshake). */
export type TokenSource = string | (() => string | Promise<string>);

/**
 * The cluster as the serving node reports it: the protocol's `cluster` message (its fields, not
 * restated here) plus the URL of the node that sent it.
 */
export interface ClusterInfo extends Omit<ClusterMessage, 'type'> {
  /** The relay URL of the serving node. */
  readonly url: string;
}

/** The {@link ClusterInfo} of a `cluster` message received from the node at `url`. */
export function clusterInfoOf(m: ClusterMessage, url: string): ClusterInfo {
  const { nodeId, leaderId, term, successors, snapshotTerm, snapshotSeq } = m;
  return { nodeId, leaderId, term, successors, snapshotTerm, snapshotSeq, url };
}

/** The node a connection reached (the protocol's `welcome` message). */
export interface ConnectedNode {
  /** The serving node's id. */
  readonly nodeId: number;
  /** The relay URL. */
  readonly url: string;
  /** This session's id in the room (presence is keyed by it). */
  readonly sessionId: number;
  /** `'read'` sessions cannot send updates. */
  readonly scope: Scope;
  /**
   * Whether the node merged the document from its read quorum before answering (always true for
   * a single node). False when too few nodes answered in time (a partition, nodes down): edits
   * acknowledged elsewhere may be missing until they arrive by anti-entropy.
   */
  readonly readQuorum: boolean;
  /**
   * Whether the node holds this session's vector (`'covered'`): every update the session read or
   * had acknowledged before, on any node. `'behind'`: the provider was resumed with a
   * {@link ProviderOptions.session} its document lacks and the node could not catch up within
   * its wait (a partition): the missing updates arrive later by anti-entropy.
   */
  readonly session: SessionStatus;
}

/** Why a socket closed, as the `connection-close` event reports it. */
export interface ConnectionCloseEvent {
  /** The relay URL of the socket. */
  readonly url: string;
  /** The WebSocket close code. */
  readonly code: number;
  /** The close reason. */
  readonly reason: string;
  /** Whether the provider will reconnect. */
  readonly willRetry: boolean;
}

/** Events of the provider. */
export type ProviderEvents = {
  /** The status changed. */
  status: (event: { status: ProviderStatus }) => void;
  /** The relay's state was applied (`true`) or the connection was lost (`false`). */
  sync: (synced: boolean) => void;
  /** The other sessions in the room changed (this session is never included). */
  presence: (peers: Map<number, PresenceState>) => void;
  /** New cluster information arrived. */
  cluster: (info: ClusterInfo) => void;
  /** A handshake succeeded with a node. */
  'connected-node': (node: ConnectedNode) => void;
  /** A socket closed (before any reconnect). */
  'connection-close': (event: ConnectionCloseEvent) => void;
  /** Something went wrong; `error.fatal` says whether the provider gave up. */
  error: (error: ProviderError) => void;
};

/** Options shared by every provider. Only `docId` is required. */
export interface ProviderOptions {
  /** The document (room) to sync. */
  readonly docId: string;
  /** The access token (omit for a relay started with `--auth none`), or a function returning one. */
  readonly token?: TokenSource | undefined;
  /**
   * How many relay nodes must hold each of this provider's updates durably before it counts as
   * acknowledged: `1` (the serving node: fastest, but a join on another node may miss it until it
   * has spread), `'majority'`, or `'all'` (no acknowledgement while a node is down). Default: the
   * cluster's configured write quorum (a majority unless its operator chose otherwise).
   */
  readonly w?: WriteConcern | undefined;
  /**
   * Resume a session: the {@link SyncProvider.sessionVector} of an earlier provider (kept in
   * `sessionStorage` across a reload, say). A node serving this provider first catches up from
   * its peers until it holds everything that session read or had acknowledged, so a reload onto
   * another node never goes back in time (read-your-writes, monotonic reads);
   * `ConnectedNode.session` says whether it could.
   */
  readonly session?: Uint8Array | undefined;
  /** The WebSocket class: omit in browsers; pass `WebSocket` from `ws` in Node. */
  readonly WebSocket?: WebSocketConstructor | undefined;
  /** Connect at once (default `true`); with `false`, call `connect()` later. */
  readonly connect?: boolean | undefined;
  /** Reconnect delays (capped exponential backoff with full jitter; `random` injectable). */
  readonly backoff?: BackoffOptions | undefined;
  /** Picks the first relay URL (default `Math.random`). */
  readonly random?: (() => number) | undefined;
  /**
   * Clock and timers: core's `Scheduler` (default `systemScheduler`; `ManualScheduler` from
   * `@accord/core/testing` in tests, for virtual time).
   */
  readonly scheduler?: Scheduler | undefined;
  /** Give up on an attempt not synced within this many ms (default 10 000). */
  readonly connectTimeoutMs?: number | undefined;
  /**
   * An attempt whose socket has not opened within this many ms is raced by a second socket to
   * the next relay URL, and the first to open is kept (default 300; `0` turns racing off). A relay
   * that is stopped or black-holed accepts TCP but never answers the upgrade; without racing, a
   * client would wait `connectTimeoutMs` on it.
   */
  readonly raceAfterMs?: number | undefined;
  /** A connection must stay up this long before backoff starts over (default 2 000). */
  readonly stableAfterMs?: number | undefined;
  /** Ping the relay this often while connected (default 5 000; at most the relay's presence TTL / 3). */
  readonly pingIntervalMs?: number | undefined;
  /** Fail over when nothing arrives from the relay for this long (default 12 000). */
  readonly livenessTimeoutMs?: number | undefined;
  /** Fail over when a sent update stays unacknowledged this long (default 15 000). */
  readonly ackTimeoutMs?: number | undefined;
  /** How long `versions()` and `loadVersion()` wait for an answer, connecting included (ms). Default 15 s. */
  readonly requestTimeoutMs?: number | undefined;
  /** Consecutive auth refusals (bad, expired or foreign token) before giving up (default 2 retries). */
  readonly maxAuthRetries?: number | undefined;
  /** Outbox tuning: merged batches are closed at this many bytes (default 256 KiB). */
  readonly maxBatchBytes?: number | undefined;
  /** Outbox tuning: compact unsent updates when this many pile up offline (default 256). */
  readonly compactEvery?: number | undefined;
  /**
   * Updates larger than this are sent as several parts (default 512 KiB). Keep it well below the
   * relay's `--max-payload` (default 1 MiB), which closes the connection on a larger frame.
   */
  readonly maxUpdateBytes?: number | undefined;
  /**
   * Sync with the other tabs of this browser that open the same `docId`, over a
   * `BroadcastChannel` named `accord:<docId>`: updates and presence, with or without the
   * network (`disconnect()` leaves it open). Default `false`. Where the host has no
   * `BroadcastChannel`, the option does nothing. Peers reached only this way are keyed by a
   * negative number in `peers`.
   */
  readonly crossTab?: boolean | undefined;
  /** Opens the cross-tab channel (default: the host's `BroadcastChannel`); for tests. */
  readonly BroadcastChannel?: BroadcastChannelFactory | undefined;
}

/** Defaults for the numeric options of {@link ProviderOptions}. */
export const PROVIDER_DEFAULTS = Object.freeze({
  connectTimeoutMs: 10_000,
  raceAfterMs: 300,
  stableAfterMs: 2_000,
  pingIntervalMs: 5_000,
  livenessTimeoutMs: 12_000,
  ackTimeoutMs: 15_000,
  requestTimeoutMs: 15_000,
  maxAuthRetries: 2,
  maxBatchBytes: 256 * 1024,
  compactEvery: 256,
  maxUpdateBytes: 512 * 1024,
});
