/**
 * The provider's engine over any {@link DocSync}: handshake with the client's state
 * vector, applying the relay's sync reply, sending what the relay lacks, live updates through the
 * outbox with acknowledgement by id, resend after failover, presence, cluster status, liveness
 * and the policy for close codes. Transport concerns (sockets, rotation, backoff) live in
 * {@link Connection}; `WebsocketProvider` binds this to an `@accord/core` `Doc`.
 */
import {
  type ClientMessage,
  type ClusterMessage,
  decodeServerMessage,
  describeDocIdProblem,
  docIdProblem,
  type ErrorMessage,
  encodeMessage,
  type PresenceState,
  type ServerMessage,
  type SyncMessage,
  type WelcomeMessage,
} from '@accord/core/protocol';
import { Backoff } from './backoff.js';
import { CLIENT_ABORT_CODE, Connection, type ConnectionCloseInfo } from './connection.js';
import type { DocSync } from './doc-sync.js';
import { Emitter } from './emitter.js';
import { errorCodeForClose, errorCodeForProtocol, ProviderError } from './errors.js';
import { Heartbeat } from './heartbeat.js';
import { localCopyKind } from './origins.js';
import { Outbox } from './outbox.js';
import { decideOnClose, relayErrorAction } from './policy.js';
import { PresenceTracker } from './presence.js';
import {
  type ClusterInfo,
  clusterInfoOf,
  PROVIDER_DEFAULTS,
  type ProviderEvents,
  type ProviderOptions,
  type ProviderStatus,
} from './provider-options.js';
import { type Scheduler, systemScheduler } from './scheduler.js';
import { newSession, type Session } from './session.js';
import { onBrowserOnline, resolveWebSocket } from './socket.js';
import { defaultChannelFactory, TabChannel } from './tabs/tab-channel.js';
import { UrlPool } from './url-pool.js';
import { VersionRequests } from './version-requests.js';

/**
 * The state and protocol handlers behind {@link SyncProvider} (which adds the public API). All
 * state changes happen on the caller's event loop; listeners run synchronously. Not meant to be
 * subclassed by applications: its protected members may change.
 * @internal
 */
export abstract class ProviderEngine extends Emitter<ProviderEvents> {
  /** The document id this provider syncs. */
  readonly docId: string;
  /** The document, as the protocol sees it. */
  protected readonly docSync: DocSync;
  /** The options as given. */
  protected readonly opts: ProviderOptions;
  /** Clock, timers and microtasks. */
  protected readonly scheduler: Scheduler;
  /** The socket, rotation and backoff. */
  protected readonly connection: Connection;
  /** Local updates not yet acknowledged. */
  protected readonly outbox: Outbox;
  /** Version-history requests waiting for their answers. */
  protected readonly versionRequests: VersionRequests;
  /** The other sessions' presence. */
  protected readonly tracker = new PresenceTracker();
  /** The cross-tab channel, with `crossTab: true`. */
  protected readonly tabs: TabChannel | undefined;
  /** Pings and liveness checks of the current connection. */
  protected readonly heartbeat: Heartbeat;
  /** Stops listening to the document. */
  protected readonly unsubscribeDoc: () => void;
  /** Stops listening to the browser's `online` event. */
  protected readonly unsubscribeOnline: () => void;
  /** The current connection's state, once its socket opened. */
  protected session: Session | undefined;
  /** The status last emitted. */
  protected current: ProviderStatus = 'offline';
  /** The last cluster status received. */
  protected clusterInfo: ClusterInfo | null = null;
  /** This session's presence. */
  protected local: PresenceState | null = null;
  /** Consecutive auth refusals. */
  protected authFailures = 0;
  /** Set by `destroy()`. */
  protected destroyed = false;
  /** Outbox id of the document's initial content, until the first sync. */
  protected initialEntry: number | undefined;
  /** A flush is queued for the end of the task. */
  protected flushScheduled = false;
  /** The local presence must be (re)sent. */
  protected presenceDirty = false;
  /** The encoded presence message to send. */
  protected presenceFrame: Uint8Array | undefined;

  /**
   * @throws TypeError for an empty or invalid URL list, an invalid `docId` (see `docIdProblem`), or no WebSocket class.
   */
  constructor(docSync: DocSync, urls: readonly string[], options: ProviderOptions) {
    super();
    // Refused here, not by a relay's 1007: a lone surrogate would reach it as U+FFFD, another room.
    const problem = typeof options.docId === 'string' ? docIdProblem(options.docId) : 'empty';
    if (problem !== null) throw new TypeError(`WebsocketProvider: ${describeDocIdProblem(problem)}`);
    this.docId = options.docId;
    this.docSync = docSync;
    this.opts = options;
    this.scheduler = options.scheduler ?? systemScheduler;
    this.heartbeat = new Heartbeat(
      this.scheduler,
      {
        livenessTimeoutMs: options.livenessTimeoutMs ?? PROVIDER_DEFAULTS.livenessTimeoutMs,
        ackTimeoutMs: options.ackTimeoutMs ?? PROVIDER_DEFAULTS.ackTimeoutMs,
      },
      (nonce) => this.send({ type: 'ping', nonce }),
      (reason) => this.connection.drop(CLIENT_ABORT_CODE, reason),
    );
    this.outbox = new Outbox({
      merge: (updates) => docSync.merge(updates),
      maxBatchBytes: options.maxBatchBytes ?? PROVIDER_DEFAULTS.maxBatchBytes,
      compactEvery: options.compactEvery ?? PROVIDER_DEFAULTS.compactEvery,
      split: (update, maxBytes) => docSync.split(update, maxBytes),
      maxUpdateBytes: options.maxUpdateBytes ?? PROVIDER_DEFAULTS.maxUpdateBytes,
    });
    this.versionRequests = new VersionRequests(
      (m) => this.send(m),
      () => this.session?.synced === true,
      this.scheduler,
      options.requestTimeoutMs ?? PROVIDER_DEFAULTS.requestTimeoutMs,
    );
    this.connection = new Connection({
      urls: new UrlPool(urls, options.random),
      WebSocket: resolveWebSocket(options.WebSocket),
      scheduler: this.scheduler,
      backoff: new Backoff(options.backoff),
      connectTimeoutMs: options.connectTimeoutMs ?? PROVIDER_DEFAULTS.connectTimeoutMs,
      stableAfterMs: options.stableAfterMs ?? PROVIDER_DEFAULTS.stableAfterMs,
    });
    this.connection.on('opening', () => this.setStatus('connecting'));
    this.connection.on('open', ({ url, generation }) => void this.onOpen(url, generation));
    this.connection.on('message', (bytes, generation) => this.onFrame(bytes, generation));
    this.connection.on('close', (info) => this.onClose(info));
    // Content the document had before the provider existed must reach the relay too.
    // Held as the full state until the first handshake shows what the relay actually lacks.
    const initial = docSync.fullState();
    if (initial !== undefined) this.initialEntry = this.outbox.add(initial).id;
    this.unsubscribeDoc = docSync.onUpdate((update, origin) => this.onLocalUpdate(update, origin));
    this.unsubscribeOnline = onBrowserOnline(() => this.connection.retryNow());
    const channelFactory = options.BroadcastChannel ?? defaultChannelFactory();
    if (options.crossTab === true && channelFactory !== undefined)
      this.tabs = new TabChannel(`accord:${this.docId}`, this.tabHost(), channelFactory);
  }

  /** What the cross-tab channel needs from this provider. */
  private tabHost(): ConstructorParameters<typeof TabChannel>[1] {
    return {
      docSync: this.docSync,
      scheduler: this.scheduler,
      presence: () => ({ sessionId: this.session?.sessionId ?? 0, state: this.local }),
      peersChanged: () => this.emitPresence(),
      adopt: (updates) => {
        for (const u of updates) this.outbox.add(u);
        this.scheduleFlush();
      },
      pending: () => this.outbox.pending().map((e) => e.update),
      report: (message) => this.report('bad-tab-data', message, false),
    };
  }

  /** The peers to show: the relay's, plus other tabs of this browser it does not list. */
  protected mergedPeers(): Map<number, PresenceState> {
    const peers = this.tracker.snapshot();
    return this.tabs === undefined ? peers : this.tabs.mergePeers(peers);
  }

  /** Emit `presence` with the merged peers. */
  protected emitPresence(): void {
    this.emit('presence', this.mergedPeers());
  }

  /** Emit `status` when it changes. */
  protected setStatus(status: ProviderStatus): void {
    if (status === this.current) return;
    this.current = status;
    this.emit('status', { status });
  }

  /** Encode and send a message; `false` without an open socket. */
  protected send(message: ClientMessage): boolean {
    return this.connection.send(encodeMessage(message));
  }

  /** A document update: into the outbox unless it came from the relay through this provider. */
  protected onLocalUpdate(update: Uint8Array, origin: unknown): void {
    if (origin === this) return;
    // The browser store's or another tab's: the next handshake's diff sends what the relay lacks;
    // another tab sends its own (and hands over what is unacknowledged when it closes).
    const copy = localCopyKind(origin);
    if (copy === 'tab' || (copy === 'store' && this.session?.synced !== true)) return;
    this.outbox.add(update);
    this.scheduleFlush();
  }

  /**
   * Send at the end of the current task: the updates and presence changes of one event-loop turn
   * go out together (long runs merged), so a burst of transactions cannot trip the relay's rate
   * limit, and only the last presence state of a turn is sent.
   */
  protected scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.scheduler.defer(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** Send pending presence and every unsent outbox entry, when synced (updates: with write access). */
  protected flush(): void {
    const s = this.session;
    if (s === undefined || !s.synced) return;
    if (this.presenceDirty && this.presenceFrame !== undefined) {
      this.presenceDirty = false;
      this.connection.send(this.presenceFrame);
    }
    if (s.scope !== 'write') {
      if (this.outbox.size > 0 && !s.readOnlyReported) {
        s.readOnlyReported = true;
        this.report('read-only', 'this session is read-only: local edits are not sent', false);
      }
      return;
    }
    const now = this.scheduler.now();
    for (const entry of this.outbox.takeUnsent()) {
      if (!this.send({ type: 'update', id: entry.id, update: entry.update })) return;
      s.sentAt.set(entry.id, now);
    }
  }

  private async onOpen(url: string, generation: number): Promise<void> {
    let token = '';
    const source = this.opts.token;
    if (typeof source === 'function') {
      try {
        token = await source();
      } catch (error) {
        if (this.connection.generation !== generation) return;
        this.authFailures++;
        this.report('token-unavailable', `token function failed: ${String(error)}`, false, { url });
        this.connection.drop(CLIENT_ABORT_CODE, 'no token');
        return;
      }
      if (this.connection.generation !== generation || this.connection.state !== 'opening') return;
    } else if (source !== undefined) token = source;
    this.session = newSession(
      generation,
      url,
      this.scheduler.now(),
      this.opts.pingIntervalMs ?? PROVIDER_DEFAULTS.pingIntervalMs,
    );
    this.setStatus('connected');
    this.heartbeat.start(this.session);
    this.send({ type: 'hello', docId: this.docId, token, stateVector: this.docSync.stateVector() });
  }

  /** Decode a relay frame and dispatch it; undecodable bytes make the provider leave that node. */
  protected onFrame(bytes: Uint8Array, generation: number): void {
    const s = this.session;
    if (s === undefined || s.generation !== generation) return;
    s.lastHeardAt = this.scheduler.now();
    let message: ServerMessage;
    try {
      message = decodeServerMessage(bytes);
    } catch (error) {
      this.relayMisbehaved(`undecodable frame from relay: ${String(error)}`);
      return;
    }
    switch (message.type) {
      case 'welcome':
        this.onWelcome(s, message);
        return;
      case 'sync':
        this.onSync(s, message);
        return;
      case 'update':
        this.applyRemote(message.update);
        return;
      case 'ack':
        s.sentAt.delete(message.id);
        this.outbox.ack(message.id);
        return;
      case 'presence-update':
        if (this.tracker.apply(message.entries, s.sessionId)) this.emitPresence();
        return;
      case 'cluster':
        this.onCluster(s, message);
        return;
      case 'error':
        this.onRelayError(s, message);
        return;
      case 'ping':
        this.send({ type: 'pong', nonce: message.nonce });
        return;
      case 'pong':
        return;
      case 'versions':
      case 'version':
        this.versionRequests.answer(message);
        return;
    }
  }

  /** The handshake was accepted: session id, scope, node, ping period. */
  protected onWelcome(s: Session, m: WelcomeMessage): void {
    s.sessionId = m.sessionId;
    s.scope = m.scope;
    if (m.presenceTtlMs > 0)
      s.pingEveryMs = Math.max(50, Math.min(s.pingEveryMs, Math.floor(m.presenceTtlMs / 3)));
    this.heartbeat.start(s);
    this.emit('connected-node', { nodeId: m.nodeId, url: s.url, sessionId: m.sessionId, scope: m.scope });
    this.tabs?.announce();
  }

  /** Apply what the relay says we lack, queue what it lacks, go `synced`, flush. */
  protected onSync(s: Session, m: SyncMessage): void {
    if (!this.applyRemote(m.update)) return;
    let missing: Uint8Array | undefined;
    try {
      missing = this.docSync.missingFor(m.stateVector);
    } catch (error) {
      this.relayMisbehaved(`bad state vector from relay: ${String(error)}`);
      return;
    }
    if (this.initialEntry !== undefined) {
      // The initial full state shrinks to what this relay lacks (or is settled if nothing).
      this.outbox.replace(this.initialEntry, missing);
      this.initialEntry = undefined;
    } else if (missing !== undefined) this.outbox.add(missing);
    s.synced = true;
    this.authFailures = 0;
    this.connection.markReady();
    this.setStatus('synced');
    this.presenceDirty = this.local !== null;
    this.flush();
    this.versionRequests.resend();
    this.emit('sync', true);
  }

  /** Record and emit the cluster status. */
  protected onCluster(s: Session, m: ClusterMessage): void {
    this.clusterInfo = clusterInfoOf(m, s.url);
    this.emit('cluster', this.clusterInfo);
  }

  /** React to an `error` message (see `relayErrorAction`). */
  protected onRelayError(s: Session, m: ErrorMessage): void {
    s.lastError = m;
    const text = m.message || m.code;
    switch (relayErrorAction(m.code)) {
      case 'failover':
        // This node could not make the update durable on a quorum: try another node; the
        // update stays in the outbox and is resent there.
        this.report('unavailable', text, false, { url: s.url });
        this.connection.drop(CLIENT_ABORT_CODE, 'write quorum unavailable');
        return;
      case 'discard-update': {
        s.refusedUpdate = true;
        const error = new ProviderError('bad-update', `relay refused update ${m.id}: ${text}`, {
          url: s.url,
        });
        if (m.id > 0) this.outbox.discard(m.id, error);
        this.emit('error', error);
        return;
      }
      case 'read-only':
        if (!s.readOnlyReported) {
          s.readOnlyReported = true;
          this.report('read-only', text, false, { url: s.url });
        }
        return;
      case 'report':
        this.report(errorCodeForProtocol(m.code), text, false, { url: s.url });
        return;
      case 'await-close':
        return;
    }
  }

  /** Apply a relay update; on bad bytes leave the node. Returns whether it applied. */
  protected applyRemote(update: Uint8Array): boolean {
    try {
      this.docSync.apply(update, this);
      return true;
    } catch (error) {
      this.relayMisbehaved(`update from relay did not apply: ${String(error)}`);
      return false;
    }
  }

  /** Report bad data from the relay and fail over. */
  protected relayMisbehaved(message: string): void {
    this.report('bad-relay-data', message, false, { url: this.connection.url });
    this.connection.drop(CLIENT_ABORT_CODE, 'bad data from relay');
  }

  /** A socket ended: decide (see `decideOnClose`) whether to retry or go offline, and report. */
  protected onClose(info: ConnectionCloseInfo): void {
    const s = this.session?.generation === info.generation ? this.session : undefined;
    const lastError = s?.lastError;
    const refusedUpdate = s?.refusedUpdate === true;
    this.endSession();
    const decision = decideOnClose({
      code: info.code,
      authFailures: this.authFailures,
      maxAuthRetries: this.opts.maxAuthRetries ?? PROVIDER_DEFAULTS.maxAuthRetries,
      refusedUpdate,
    });
    this.authFailures = decision.authFailures;
    const fatal = decision.fatal;
    this.emit('connection-close', { url: info.url, code: info.code, reason: info.reason, willRetry: !fatal });
    const code = errorCodeForClose(info.code);
    if (code !== 'connection-lost' || fatal) {
      const detail = lastError?.message || info.reason || decision.name;
      this.report(code, `relay closed the connection (${info.code} ${decision.name}): ${detail}`, fatal, {
        closeCode: info.code,
        url: info.url,
      });
    }
    if (fatal) {
      this.connection.stop();
      this.setStatus('offline');
    } else if (this.current !== 'offline') {
      this.setStatus('connecting');
    }
  }

  /** Forget the current session: outbox entries become unsent, peers are forgotten. */
  protected endSession(): void {
    const wasSynced = this.session?.synced === true;
    this.session = undefined;
    this.heartbeat.stop();
    this.outbox.markAllUnsent();
    this.versionRequests.connectionLost();
    if (this.tracker.clear()) this.emitPresence();
    this.tabs?.announce();
    if (wasSynced) this.emit('sync', false);
  }

  /** Emit a typed error. */
  protected report(
    code: ProviderError['code'],
    message: string,
    fatal: boolean,
    details: { closeCode?: number; url?: string } = {},
  ): void {
    this.emit('error', new ProviderError(code, message, { ...details, fatal }));
  }
}
