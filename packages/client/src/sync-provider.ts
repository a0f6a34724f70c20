/**
 * The provider's protocol logic over any {@link DocSync}: handshake with the client's state
 * vector, applying the relay's sync reply, sending what the relay lacks, live updates through the
 * outbox with acknowledgement by id, resend after failover, presence, cluster status, liveness
 * and the policy for close codes. Transport concerns (sockets, rotation, backoff) live in
 * {@link Connection}; `WebsocketProvider` binds this to an `@accord/core` `Doc`.
 */
import {
  type ClientMessage,
  type ClusterMessage,
  decodeServerMessage,
  type ErrorMessage,
  encodeMessage,
  type PresenceState,
  type ServerMessage,
  type SyncMessage,
  type WelcomeMessage,
} from '@accord/core';
import { Backoff } from './backoff.js';
import { CLIENT_ABORT_CODE, Connection, type ConnectionCloseInfo } from './connection.js';
import type { DocSync } from './doc-sync.js';
import { Emitter } from './emitter.js';
import { errorCodeForClose, errorCodeForProtocol, ProviderDestroyedError, ProviderError } from './errors.js';
import { Outbox } from './outbox.js';
import { checkLiveness, decideOnClose, relayErrorAction } from './policy.js';
import { type PresenceInput, PresenceTracker, toPresenceState } from './presence.js';
import {
  type ClusterInfo,
  PROVIDER_DEFAULTS,
  type ProviderEvents,
  type ProviderOptions,
  type ProviderStatus,
} from './provider-options.js';
import { type Scheduler, systemScheduler, TimerSlot } from './scheduler.js';
import { newSession, type Session } from './session.js';
import { onBrowserOnline, resolveWebSocket } from './socket.js';
import { UrlPool } from './url-pool.js';

/**
 * Syncs a document with a relay cluster (see the package README for the protocol). All state
 * changes happen on the caller's event loop; listeners run synchronously.
 */
export class SyncProvider extends Emitter<ProviderEvents> {
  /** The document id this provider syncs. */
  readonly docId: string;
  private readonly docSync: DocSync;
  private readonly opts: ProviderOptions;
  private readonly scheduler: Scheduler;
  private readonly connection: Connection;
  private readonly outbox: Outbox;
  private readonly tracker = new PresenceTracker();
  private readonly heartbeat: TimerSlot;
  private readonly unsubscribeDoc: () => void;
  private readonly unsubscribeOnline: () => void;
  private session: Session | undefined;
  private current: ProviderStatus = 'offline';
  private clusterInfo: ClusterInfo | null = null;
  private local: PresenceState | null = null;
  private authFailures = 0;
  private pingNonce = 0;
  private destroyed = false;
  private initialEntry: number | undefined;
  private flushScheduled = false;
  private presenceDirty = false;
  private presenceFrame: Uint8Array | undefined;

  /**
   * @throws TypeError for an empty or invalid URL list, an empty `docId`, or no WebSocket class.
   */
  constructor(docSync: DocSync, urls: readonly string[], options: ProviderOptions) {
    super();
    if (typeof options.docId !== 'string' || options.docId.length === 0) {
      throw new TypeError('WebsocketProvider needs a non-empty docId');
    }
    this.docId = options.docId;
    this.docSync = docSync;
    this.opts = options;
    this.scheduler = options.scheduler ?? systemScheduler;
    this.heartbeat = new TimerSlot(this.scheduler);
    this.outbox = new Outbox({
      merge: (updates) => docSync.merge(updates),
      maxBatchBytes: options.maxBatchBytes ?? PROVIDER_DEFAULTS.maxBatchBytes,
      compactEvery: options.compactEvery ?? PROVIDER_DEFAULTS.compactEvery,
    });
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
    if (options.connect !== false) this.connect();
  }

  /** The current status. */
  get status(): ProviderStatus {
    return this.current;
  }

  /** Whether the relay's state has been applied on the current connection. */
  get synced(): boolean {
    return this.session?.synced === true;
  }

  /** The last cluster information received (kept while reconnecting), or `null`. */
  get cluster(): ClusterInfo | null {
    return this.clusterInfo;
  }

  /** The relay URL of the current (or last) connection attempt. */
  get url(): string {
    return this.connection.url;
  }

  /** This session's id on the current connection, if the handshake got that far. */
  get sessionId(): number | undefined {
    return this.session?.sessionId;
  }

  /** Local updates not yet acknowledged as durable (merged batches count once). */
  get pendingUpdates(): number {
    return this.outbox.size;
  }

  /** The other sessions in the room, keyed by session id (a copy). */
  get peers(): Map<number, PresenceState> {
    return this.tracker.snapshot();
  }

  /** This session's presence as last set, or `null`. */
  get localPresence(): PresenceState | null {
    return this.local;
  }

  /**
   * Go online: connect (or keep connecting) to the relays. Also clears a previous fatal error,
   * so call it after supplying a new token. A no-op when already online.
   * @throws Error after `destroy()`.
   */
  connect(): void {
    if (this.destroyed) throw new Error('WebsocketProvider was destroyed');
    if (this.current !== 'offline') return;
    this.authFailures = 0;
    this.setStatus('connecting');
    this.connection.start();
  }

  /**
   * Go offline (the offline switch): close the connection and stop reconnecting. Local edits keep
   * collecting in the outbox and are sent on the next `connect()`.
   */
  disconnect(): void {
    this.connection.stop();
    this.endSession();
    this.setStatus('offline');
  }

  /**
   * Disconnect for good: unsubscribe from the document, reject pending `whenAcknowledged()`
   * promises with {@link ProviderDestroyedError}, drop every listener. Idempotent.
   */
  destroy(): void {
    if (this.destroyed) return;
    this.disconnect();
    this.destroyed = true;
    this.unsubscribeDoc();
    this.unsubscribeOnline();
    this.outbox.clear(new ProviderDestroyedError());
    this.clear();
  }

  /**
   * Resolves once every local update made so far (including content the document had when the
   * provider was created) is acknowledged as durable by the relay. Waits across reconnects and
   * failovers. Rejects with {@link ProviderDestroyedError} on `destroy()`, or with a
   * {@link ProviderError} if the relay refused one of those updates as malformed.
   */
  whenAcknowledged(): Promise<void> {
    return this.outbox.whenAcknowledged();
  }

  /** Resolves the next time the provider is synced (at once if it is). */
  whenSynced(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve) => {
      const off = this.on('sync', (synced) => {
        if (synced) {
          off();
          resolve();
        }
      });
    });
  }

  /**
   * Set (or with `null`, clear) this session's presence; missing fields default (`''`, `null`).
   * Sent at once when synced, and again after every reconnect.
   * @throws RangeError (when sent) if a value is not a valid presence value.
   */
  setPresence(state: PresenceInput | null): void {
    const local = state === null ? null : toPresenceState(state);
    // Encode now so an invalid value throws here, not later in the batched send.
    this.presenceFrame = encodeMessage({ type: 'presence', state: local });
    this.local = local;
    this.presenceDirty = true;
    this.scheduleFlush();
  }

  /** Merge fields into this session's presence (see {@link setPresence}). */
  updatePresence(fields: PresenceInput): void {
    this.setPresence({ ...(this.local ?? {}), ...fields });
  }

  private setStatus(status: ProviderStatus): void {
    if (status === this.current) return;
    this.current = status;
    this.emit('status', { status });
  }

  private send(message: ClientMessage): boolean {
    return this.connection.send(encodeMessage(message));
  }

  private onLocalUpdate(update: Uint8Array, origin: unknown): void {
    if (origin === this) return;
    this.outbox.add(update);
    this.scheduleFlush();
  }

  /**
   * Send at the end of the current task: the updates and presence changes of one event-loop turn
   * go out together (long runs merged), so a burst of transactions cannot trip the relay's rate
   * limit, and only the last presence state of a turn is sent.
   */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.scheduler.defer(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** Send pending presence and every unsent outbox entry, when synced (updates: with write access). */
  private flush(): void {
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
    this.armHeartbeat();
    this.send({ type: 'hello', docId: this.docId, token, stateVector: this.docSync.stateVector() });
  }

  private onFrame(bytes: Uint8Array, generation: number): void {
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
        if (this.tracker.apply(message.entries, s.sessionId)) this.emit('presence', this.tracker.snapshot());
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
    }
  }

  private onWelcome(s: Session, m: WelcomeMessage): void {
    s.sessionId = m.sessionId;
    s.scope = m.scope;
    if (m.presenceTtlMs > 0)
      s.pingEveryMs = Math.max(50, Math.min(s.pingEveryMs, Math.floor(m.presenceTtlMs / 3)));
    this.armHeartbeat();
    this.emit('connected-node', { nodeId: m.nodeId, url: s.url, sessionId: m.sessionId, scope: m.scope });
  }

  private onSync(s: Session, m: SyncMessage): void {
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
    this.emit('sync', true);
  }

  private onCluster(s: Session, m: ClusterMessage): void {
    this.clusterInfo = {
      nodeId: m.nodeId,
      leaderId: m.leaderId,
      term: m.term,
      successors: m.successors,
      snapshotTerm: m.snapshotTerm,
      snapshotSeq: m.snapshotSeq,
      url: s.url,
    };
    this.emit('cluster', this.clusterInfo);
  }

  private onRelayError(s: Session, m: ErrorMessage): void {
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

  private applyRemote(update: Uint8Array): boolean {
    try {
      this.docSync.apply(update, this);
      return true;
    } catch (error) {
      this.relayMisbehaved(`update from relay did not apply: ${String(error)}`);
      return false;
    }
  }

  private relayMisbehaved(message: string): void {
    this.report('bad-relay-data', message, false, { url: this.connection.url });
    this.connection.drop(CLIENT_ABORT_CODE, 'bad data from relay');
  }

  private onClose(info: ConnectionCloseInfo): void {
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
  private endSession(): void {
    const wasSynced = this.session?.synced === true;
    this.session = undefined;
    this.heartbeat.clear();
    this.outbox.markAllUnsent();
    if (this.tracker.clear()) this.emit('presence', this.tracker.snapshot());
    if (wasSynced) this.emit('sync', false);
  }

  /** Ping on an interval; fail over when the relay is silent or sits on our updates. */
  private armHeartbeat(): void {
    const s = this.session;
    if (s === undefined) return;
    this.heartbeat.set(() => {
      if (this.session !== s) return;
      const verdict = checkLiveness(this.scheduler.now(), s.lastHeardAt, s.sentAt.values(), {
        livenessTimeoutMs: this.opts.livenessTimeoutMs ?? PROVIDER_DEFAULTS.livenessTimeoutMs,
        ackTimeoutMs: this.opts.ackTimeoutMs ?? PROVIDER_DEFAULTS.ackTimeoutMs,
      });
      if (!verdict.alive) {
        this.connection.drop(CLIENT_ABORT_CODE, `relay ${verdict.reason} for ${verdict.forMs} ms`);
        return;
      }
      this.send({ type: 'ping', nonce: ++this.pingNonce });
      this.armHeartbeat();
    }, s.pingEveryMs);
  }

  private report(
    code: ProviderError['code'],
    message: string,
    fatal: boolean,
    details: { closeCode?: number; url?: string } = {},
  ): void {
    this.emit('error', new ProviderError(code, message, { ...details, fatal }));
  }
}
