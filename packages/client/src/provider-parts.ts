/**
 * The parts a provider engine (`provider-core.ts`) owns, built from its options: the options are
 * checked, defaults applied, and each part wired to the one connection (pings, outbox flushes and
 * requests go out through it; a dead relay is dropped by it). The engine adds what needs its own
 * state: the relay handler, the cross-tab channel and the event listeners.
 */
import {
  type ClientMessage,
  DecodeError,
  describeDocIdProblem,
  docIdProblem,
  encodeMessage,
} from '@accord/core/protocol';
import { Backoff } from './backoff.js';
import { CasRequests } from './cas-requests.js';
import { CLIENT_ABORT_CODE, Connection } from './connection.js';
import type { DocSync } from './doc-sync.js';
import type { ReportError } from './errors.js';
import { Heartbeat } from './heartbeat.js';
import { PROVIDER_DEFAULTS, type ProviderOptions } from './provider-options.js';
import { type Scheduler, systemScheduler } from './scheduler.js';
import { Sender } from './sender.js';
import type { Session } from './session.js';
import { SessionVector } from './session-vector.js';
import { resolveWebSocket } from './socket.js';
import { UrlPool } from './url-pool.js';
import { VersionRequests } from './version-requests.js';

/** What the parts need from the engine that owns them. */
export interface ProviderPartsHost {
  /** The origin relay updates are applied with: those are not sent back. */
  readonly origin: unknown;
  /** The current connection's state, once its socket opened. */
  session(): Session | undefined;
  /** Emits a typed error. */
  readonly report: ReportError;
}

/** The parts of one provider engine, wired to one another (see {@link createProviderParts}). */
export interface ProviderParts {
  /** The scheduler every part uses: `options.scheduler`, or the system's. */
  readonly scheduler: Scheduler;
  /** What this session read or had acknowledged, carried across connections. */
  readonly sessionVector: SessionVector;
  /** Pings and liveness checks of the current connection. */
  readonly heartbeat: Heartbeat;
  /** The outbox and presence, flushed once per turn. */
  readonly sender: Sender;
  /** Version-history requests waiting for their answers. */
  readonly versionRequests: VersionRequests;
  /** Compare-and-set requests waiting for a definite answer. */
  readonly casRequests: CasRequests;
  /** The socket, rotation and backoff. */
  readonly connection: Connection;
  /** Encodes and sends a message on the connection; `false` without an open socket. */
  readonly send: (message: ClientMessage) => boolean;
}

/**
 * The parts of an engine syncing `docSync` through the relays at `urls`, with `options`' limits
 * and timeouts (defaults from `PROVIDER_DEFAULTS`). Nothing connects or is sent yet; requests
 * and the outbox wait for a synced `host.session()`.
 * @throws TypeError for an invalid `docId` (see `docIdProblem`), an invalid `w`, a malformed
 *   `session`, an empty or invalid URL list, or no WebSocket class.
 */
export function createProviderParts(
  docSync: DocSync,
  urls: readonly string[],
  options: ProviderOptions,
  host: ProviderPartsHost,
): ProviderParts {
  // Refused here, not by a relay's 1007: a lone surrogate would reach it as U+FFFD, another room.
  const problem = typeof options.docId === 'string' ? docIdProblem(options.docId) : 'empty';
  if (problem !== null) throw new TypeError(`WebsocketProvider: ${describeDocIdProblem(problem)}`);
  if (options.w !== undefined && options.w !== 1 && options.w !== 'majority' && options.w !== 'all')
    throw new TypeError(`WebsocketProvider: w must be 1, 'majority' or 'all', got ${String(options.w)}`);
  let sessionVector: SessionVector;
  try {
    sessionVector = new SessionVector(options.session);
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    throw new TypeError(`WebsocketProvider: session is not a session vector: ${error.message}`);
  }
  const scheduler = options.scheduler ?? systemScheduler;
  const send = (message: ClientMessage): boolean => connection.send(encodeMessage(message));
  const synced = (): boolean => host.session()?.synced === true;
  const heartbeat = new Heartbeat(
    scheduler,
    {
      livenessTimeoutMs: options.livenessTimeoutMs ?? PROVIDER_DEFAULTS.livenessTimeoutMs,
      ackTimeoutMs: options.ackTimeoutMs ?? PROVIDER_DEFAULTS.ackTimeoutMs,
    },
    (nonce) => send({ type: 'ping', nonce }),
    (reason) => connection.drop(CLIENT_ABORT_CODE, reason),
  );
  const sender = new Sender(
    {
      scheduler,
      connection: { send: (bytes) => connection.send(bytes) },
      origin: host.origin,
      session: () => host.session(),
      report: host.report,
    },
    docSync,
    options,
  );
  const requestTimeoutMs = options.requestTimeoutMs ?? PROVIDER_DEFAULTS.requestTimeoutMs;
  const versionRequests = new VersionRequests(send, synced, scheduler, requestTimeoutMs);
  const casRequests = new CasRequests(send, synced, scheduler, requestTimeoutMs);
  const connection = new Connection({
    urls: new UrlPool(urls, options.random),
    WebSocket: resolveWebSocket(options.WebSocket),
    scheduler,
    backoff: new Backoff(options.backoff),
    connectTimeoutMs: options.connectTimeoutMs ?? PROVIDER_DEFAULTS.connectTimeoutMs,
    stableAfterMs: options.stableAfterMs ?? PROVIDER_DEFAULTS.stableAfterMs,
    raceAfterMs: options.raceAfterMs ?? PROVIDER_DEFAULTS.raceAfterMs,
  });
  return { scheduler, sessionVector, heartbeat, sender, versionRequests, casRequests, connection, send };
}
