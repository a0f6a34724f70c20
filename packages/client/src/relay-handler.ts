/**
 * The relay's side of the conversation: decoding each frame of the current connection and
 * reacting to it (handshake, sync, live updates, acknowledgements, presence, cluster status,
 * errors, pings, version answers). Bad bytes from a relay make the provider leave that node.
 */
import {
  type ClientMessage,
  type ClusterMessage,
  decodeServerMessage,
  type ErrorMessage,
  type ServerMessage,
  type SyncMessage,
  type WelcomeMessage,
} from '@accord/core/protocol';
import type { CasRequests } from './cas-requests.js';
import { CLIENT_ABORT_CODE, type Connection } from './connection.js';
import type { DocSync } from './doc-sync.js';
import type { Emitter } from './emitter.js';
import { errorCodeForProtocol, ProviderError, type ReportError } from './errors.js';
import type { Heartbeat } from './heartbeat.js';
import { relayErrorAction } from './policy.js';
import type { PresenceTracker } from './presence.js';
import {
  type ClusterInfo,
  clusterInfoOf,
  type ProviderEvents,
  type ProviderStatus,
} from './provider-options.js';
import type { Scheduler } from './scheduler.js';
import type { Sender } from './sender.js';
import type { Session } from './session.js';
import type { VersionRequests } from './version-requests.js';

/** Where the provider's events go (the public provider itself). */
export type ProviderEventSink = Pick<Emitter<ProviderEvents>, 'emit'>;

/** What the {@link RelayHandler} needs from the provider it serves. */
export interface RelayHost {
  /** The document relay updates are applied to. */
  readonly docSync: DocSync;
  /** The origin relay updates are applied with. */
  readonly origin: unknown;
  /** Stamps when the last frame arrived. */
  readonly scheduler: Scheduler;
  /** Marked ready on sync; dropped when the relay misbehaves or cannot reach its quorum. */
  readonly connection: Connection;
  /** Restarted with the ping period the relay asks for. */
  readonly heartbeat: Heartbeat;
  /** The outbox (acknowledged, discarded, topped up on sync) and presence. */
  readonly sender: Sender;
  /** The other sessions' presence. */
  readonly tracker: PresenceTracker;
  /** Version requests waiting for their answers. */
  readonly versionRequests: VersionRequests;
  /** Compare-and-set requests waiting for their answers. */
  readonly casRequests: CasRequests;
  /** Receives `connected-node`, `sync`, `cluster` and `error` events. */
  readonly events: ProviderEventSink;
  /** Emits a typed error. */
  readonly report: ReportError;
  /** The current connection's state, once its socket opened. */
  session(): Session | undefined;
  /** Encode and send a message; `false` without an open socket. */
  send(message: ClientMessage): boolean;
  /** Emit `presence` with the merged peers. */
  emitPresence(): void;
  /** Tell the other tabs of this browser about this session (cross-tab sync). */
  announceToTabs(): void;
  /** A handshake completed: auth refusals stop counting. */
  resetAuthFailures(): void;
  /** Emit `status` when it changes. */
  setStatus(status: ProviderStatus): void;
}

/** Handles the frames of the provider's current connection; keeps the last cluster status. */
export class RelayHandler {
  readonly #host: RelayHost;
  /** The last cluster status received. */
  #cluster: ClusterInfo | null = null;

  /** A handler serving `host`. */
  constructor(host: RelayHost) {
    this.#host = host;
  }

  /** The last cluster status received (kept while reconnecting), or `null`. */
  get cluster(): ClusterInfo | null {
    return this.#cluster;
  }

  /** Decode a relay frame of socket `generation` and dispatch it; undecodable bytes make the provider leave that node. */
  onFrame(bytes: Uint8Array, generation: number): void {
    const host = this.#host;
    const s = host.session();
    if (s === undefined || s.generation !== generation) return;
    s.lastHeardAt = host.scheduler.now();
    let message: ServerMessage;
    try {
      message = decodeServerMessage(bytes);
    } catch (error) {
      this.#relayMisbehaved(`undecodable frame from relay: ${String(error)}`);
      return;
    }
    switch (message.type) {
      case 'welcome':
        this.#onWelcome(s, message);
        return;
      case 'sync':
        this.#onSync(s, message);
        return;
      case 'update':
        this.#applyRemote(message.update);
        return;
      case 'ack':
        s.sentAt.delete(message.id);
        host.sender.outbox.ack(message.id);
        return;
      case 'presence-update':
        if (host.tracker.apply(message.entries, s.sessionId)) host.emitPresence();
        return;
      case 'cluster':
        this.#onCluster(s, message);
        return;
      case 'error':
        this.#onRelayError(s, message);
        return;
      case 'ping':
        host.send({ type: 'pong', nonce: message.nonce });
        return;
      case 'pong':
        return;
      case 'versions':
      case 'version':
        host.versionRequests.answer(message);
        return;
      case 'cas-result':
        host.casRequests.answer(message);
        return;
    }
  }

  /** The handshake was accepted: session id, scope, node, ping period. */
  #onWelcome(s: Session, m: WelcomeMessage): void {
    s.sessionId = m.sessionId;
    s.scope = m.scope;
    s.readQuorum = m.readQuorum;
    // No `session` in the welcome: the hello asked none, because the document holds the session.
    s.sessionStatus = m.session ?? 'covered';
    if (m.presenceTtlMs > 0)
      s.pingEveryMs = Math.max(50, Math.min(s.pingEveryMs, Math.floor(m.presenceTtlMs / 3)));
    this.#host.heartbeat.start(s);
    this.#host.events.emit('connected-node', {
      nodeId: m.nodeId,
      url: s.url,
      sessionId: m.sessionId,
      scope: m.scope,
      readQuorum: m.readQuorum,
      session: s.sessionStatus,
    });
    this.#host.announceToTabs();
  }

  /** Apply what the relay says we lack, queue what it lacks, go `synced`, flush. */
  #onSync(s: Session, m: SyncMessage): void {
    const host = this.#host;
    if (!this.#applyRemote(m.update)) return;
    let missing: Uint8Array | undefined;
    try {
      missing = host.docSync.missingFor(m.stateVector);
    } catch (error) {
      this.#relayMisbehaved(`bad state vector from relay: ${String(error)}`);
      return;
    }
    host.sender.queueMissing(missing);
    s.synced = true;
    host.resetAuthFailures();
    host.connection.markReady();
    host.setStatus('synced');
    host.sender.resendPresence();
    host.sender.flush();
    host.versionRequests.resend();
    host.casRequests.resend();
    host.events.emit('sync', true);
  }

  /** Record and emit the cluster status. */
  #onCluster(s: Session, m: ClusterMessage): void {
    this.#cluster = clusterInfoOf(m, s.url);
    this.#host.events.emit('cluster', this.#cluster);
  }

  /** React to an `error` message (see `relayErrorAction`). */
  #onRelayError(s: Session, m: ErrorMessage): void {
    const host = this.#host;
    s.lastError = m;
    const text = m.message || m.code;
    switch (relayErrorAction(m.code)) {
      case 'failover':
        // This node could not make the update durable on a quorum: try another node; the
        // update stays in the outbox and is resent there.
        host.report('unavailable', text, false, { url: s.url });
        host.connection.drop(CLIENT_ABORT_CODE, 'write quorum unavailable');
        return;
      case 'discard-update': {
        s.refusedUpdate = true;
        const error = new ProviderError('bad-update', `relay refused update ${m.id}: ${text}`, {
          url: s.url,
        });
        if (m.id > 0) host.sender.outbox.discard(m.id, error);
        host.events.emit('error', error);
        return;
      }
      case 'read-only':
        if (!s.readOnlyReported) {
          s.readOnlyReported = true;
          host.report('read-only', text, false, { url: s.url });
        }
        return;
      case 'report':
        host.report(errorCodeForProtocol(m.code), text, false, { url: s.url });
        return;
      case 'await-close':
        return;
    }
  }

  /** Apply a relay update; on bad bytes leave the node. Returns whether it applied. */
  #applyRemote(update: Uint8Array): boolean {
    try {
      this.#host.docSync.apply(update, this.#host.origin);
      return true;
    } catch (error) {
      this.#relayMisbehaved(`update from relay did not apply: ${String(error)}`);
      return false;
    }
  }

  /** Report bad data from the relay and fail over. */
  #relayMisbehaved(message: string): void {
    this.#host.report('bad-relay-data', message, false, { url: this.#host.connection.url });
    this.#host.connection.drop(CLIENT_ABORT_CODE, 'bad data from relay');
  }
}
