/**
 * The provider's engine over any {@link DocSync}: it owns the parts (connection, sender with its
 * outbox, relay handler, heartbeat, version requests, presence tracker, cross-tab channel; most
 * are built by {@link createProviderParts}) and the session lifecycle: the handshake with a token
 * when a socket opens, the policy for close codes (`policy.ts`), status changes. The relay's
 * messages are handled by {@link RelayHandler}, what goes out by {@link Sender}, transport
 * concerns (sockets, rotation, backoff) by {@link Connection}. Not exported: `SyncProvider` holds
 * one and is the public API.
 */
import type {
  ClientMessage,
  PresenceState,
  RegisterValue,
  SessionStatus,
  VersionInfo,
} from '@accord/core/protocol';
import type { CasRequests, CasResult } from './cas-requests.js';
import { CLIENT_ABORT_CODE, type Connection, type ConnectionCloseInfo } from './connection.js';
import type { DocSync } from './doc-sync.js';
import { ProviderDestroyedError, ProviderError, type ReportError } from './errors.js';
import type { Heartbeat } from './heartbeat.js';
import { closeReport, decideOnClose } from './policy.js';
import { PresenceTracker } from './presence.js';
import {
  type ClusterInfo,
  PROVIDER_DEFAULTS,
  type ProviderOptions,
  type ProviderStatus,
} from './provider-options.js';
import { createProviderParts } from './provider-parts.js';
import { type ProviderEventSink, RelayHandler, type RelayHost } from './relay-handler.js';
import type { Scheduler } from './scheduler.js';
import type { Sender } from './sender.js';
import { newSession, type Session } from './session.js';
import type { SessionVector } from './session-vector.js';
import { onBrowserOnline } from './socket.js';
import { defaultChannelFactory, TabChannel, type TabChannelHost } from './tabs/tab-channel.js';
import type { LoadedVersion, VersionRequests } from './version-requests.js';

/**
 * The state and protocol behind one `SyncProvider`. All state changes happen on the caller's
 * event loop; events go to `events` synchronously.
 */
export class ProviderCore {
  /** The document id this provider syncs. */
  readonly docId: string;
  readonly #docSync: DocSync;
  readonly #opts: ProviderOptions;
  readonly #events: ProviderEventSink;
  /** The origin relay updates are applied with (the public provider). */
  readonly #origin: unknown;
  readonly #scheduler: Scheduler;
  /** Pings and liveness checks of the current connection. */
  readonly #heartbeat: Heartbeat;
  /** The outbox and presence, flushed once per turn. */
  readonly #sender: Sender;
  /** Version-history requests waiting for their answers. */
  readonly #versionRequests: VersionRequests;
  /** What this session read or had acknowledged, carried across connections. */
  readonly #sessionVector: SessionVector;
  /** Compare-and-set requests waiting for a definite answer. */
  readonly #casRequests: CasRequests;
  /** The socket, rotation and backoff. */
  readonly #connection: Connection;
  /** Encodes and sends a message; `false` without an open socket. */
  readonly #send: (message: ClientMessage) => boolean;
  /** Reacts to the relay's messages. */
  readonly #relay: RelayHandler;
  /** The other sessions' presence. */
  readonly #tracker = new PresenceTracker();
  /** The cross-tab channel, with `crossTab: true`. */
  readonly #tabs: TabChannel | undefined;
  /** Stops listening to the document. */
  readonly #unsubscribeDoc: () => void;
  /** Stops listening to the browser's `online` event. */
  readonly #unsubscribeOnline: () => void;
  /** The current connection's state, once its socket opened. */
  #session: Session | undefined;
  /** The status last emitted. */
  #current: ProviderStatus = 'offline';
  /** Consecutive auth refusals. */
  #authFailures = 0;
  /** Set by `destroy()`. */
  #destroyed = false;

  /**
   * An engine syncing `docSync` through the relays at `urls`; it emits through `events` and
   * applies relay updates with `origin`. Does not connect.
   * @throws TypeError for invalid options (see {@link createProviderParts}): an invalid `docId` or
   *   `w`, a malformed `session`, an empty or invalid URL list, or no WebSocket class.
   */
  constructor(
    docSync: DocSync,
    urls: readonly string[],
    options: ProviderOptions,
    events: ProviderEventSink,
    origin: unknown,
  ) {
    const parts = createProviderParts(docSync, urls, options, {
      origin,
      session: () => this.#session,
      report: this.#report,
    });
    this.docId = options.docId;
    this.#docSync = docSync;
    this.#opts = options;
    this.#events = events;
    this.#origin = origin;
    this.#scheduler = parts.scheduler;
    this.#sessionVector = parts.sessionVector;
    this.#heartbeat = parts.heartbeat;
    this.#sender = parts.sender;
    this.#versionRequests = parts.versionRequests;
    this.#casRequests = parts.casRequests;
    this.#connection = parts.connection;
    this.#send = parts.send;
    this.#relay = new RelayHandler(this.#relayHost());
    this.#connection.on('opening', () => this.#setStatus('connecting'));
    this.#connection.on('open', ({ url, generation }) => void this.#onOpen(url, generation));
    this.#connection.on('message', (bytes, generation) => this.#relay.onFrame(bytes, generation));
    this.#connection.on('close', (info) => this.#onClose(info));
    // Content the document had before the provider existed must reach the relay too.
    // Held as the full state until the first handshake shows what the relay actually lacks.
    this.#sender.holdInitial(docSync.fullState());
    this.#unsubscribeDoc = docSync.onUpdate((update, o) => this.#sender.onLocalUpdate(update, o));
    this.#unsubscribeOnline = onBrowserOnline(() => this.#connection.retryNow());
    const channelFactory = options.BroadcastChannel ?? defaultChannelFactory();
    if (options.crossTab === true && channelFactory !== undefined)
      this.#tabs = new TabChannel(`accord:${this.docId}`, this.#tabHost(), channelFactory);
  }

  /** The status last emitted. */
  get status(): ProviderStatus {
    return this.#current;
  }

  /** Whether the relay's state has been applied on the current connection. */
  get synced(): boolean {
    return this.#session?.synced === true;
  }

  /** Whether `destroy()` was called. */
  get destroyed(): boolean {
    return this.#destroyed;
  }

  /** The last cluster status received, or `null`. */
  get cluster(): ClusterInfo | null {
    return this.#relay.cluster;
  }

  /** The relay URL of the current (or last) connection attempt. */
  get url(): string {
    return this.#connection.url;
  }

  /** This session's id on the current connection, if the handshake got that far. */
  get sessionId(): number | undefined {
    return this.#session?.sessionId;
  }

  /**
   * Whether the node serving the current connection merged the document from its read quorum
   * before answering (as `ConnectedNode.readQuorum`); undefined before its `welcome`.
   */
  get readQuorum(): boolean | undefined {
    return this.#session?.readQuorum;
  }

  /** Whether the serving node holds this session's vector (as `ConnectedNode.session`). */
  get sessionStatus(): SessionStatus | undefined {
    return this.#session?.sessionStatus;
  }

  /** This session's vector now (see {@link SessionVector.current}). */
  sessionVector(): Uint8Array {
    return this.#sessionVector.current(this.#docSync.stateVector(), this.#pendingBytes());
  }

  #pendingBytes(): Uint8Array[] {
    return this.#sender.outbox.pending().map((e) => e.update);
  }

  /** Local updates not yet acknowledged. */
  get pendingUpdates(): number {
    return this.#sender.outbox.size;
  }

  /** This session's presence as last set, or `null`. */
  get localPresence(): PresenceState | null {
    return this.#sender.local;
  }

  /** The peers to show: the relay's, plus other tabs of this browser it does not list. */
  peers(): Map<number, PresenceState> {
    const peers = this.#tracker.snapshot();
    return this.#tabs === undefined ? peers : this.#tabs.mergePeers(peers);
  }

  /** The relay node's versions (see `SyncProvider.versions`). */
  versions(): Promise<readonly VersionInfo[]> {
    return this.#versionRequests.list();
  }

  /** One version as a full-state update (see `SyncProvider.fetchVersion`). */
  fetchVersion(term: number, seq: number): Promise<LoadedVersion> {
    return this.#versionRequests.get(term, seq);
  }

  /** Compare-and-set on the document's register (see `SyncProvider.cas`). */
  cas(key: string, expected: RegisterValue, next: RegisterValue): Promise<CasResult> {
    return this.#casRequests.cas(key, expected, next);
  }

  /** Resolves once every local update so far is acknowledged. */
  whenAcknowledged(): Promise<void> {
    return this.#sender.outbox.whenAcknowledged();
  }

  /**
   * Go online; clears the count of auth refusals. A no-op when already online.
   * @throws Error after `destroy()`.
   */
  connect(): void {
    if (this.#destroyed) throw new Error('WebsocketProvider was destroyed');
    if (this.#current !== 'offline') return;
    this.#authFailures = 0;
    this.#setStatus('connecting');
    this.#connection.start();
  }

  /** Go offline: close the connection, stop reconnecting, forget the session. */
  disconnect(): void {
    this.#connection.stop();
    this.#endSession();
    this.#setStatus('offline');
  }

  /**
   * Release everything for good (after `disconnect()`): version requests, the tab channel and the
   * outbox's waiters are settled, the document and the browser are no longer listened to.
   */
  destroy(): void {
    this.#destroyed = true;
    this.#versionRequests.destroy();
    this.#casRequests.destroy();
    this.#tabs?.close(); // hands what is unacknowledged to the other tabs
    this.#unsubscribeDoc();
    this.#unsubscribeOnline();
    this.#sender.outbox.clear(new ProviderDestroyedError());
  }

  /**
   * Set (or with `null`, clear) this session's presence: sent with the next flush when synced.
   * @throws RangeError if a value is not a valid presence value.
   */
  setPresence(state: PresenceState | null): void {
    this.#sender.setPresence(state);
    this.#tabs?.announce();
  }

  /** What the relay handler needs from this engine. */
  #relayHost(): RelayHost {
    return {
      docSync: this.#docSync,
      origin: this.#origin,
      scheduler: this.#scheduler,
      connection: this.#connection,
      heartbeat: this.#heartbeat,
      sender: this.#sender,
      tracker: this.#tracker,
      versionRequests: this.#versionRequests,
      casRequests: this.#casRequests,
      events: this.#events,
      report: this.#report,
      session: () => this.#session,
      send: (message) => this.#send(message),
      emitPresence: () => this.#emitPresence(),
      announceToTabs: () => this.#tabs?.announce(),
      resetAuthFailures: () => {
        this.#authFailures = 0;
      },
      setStatus: (status) => this.#setStatus(status),
    };
  }

  /** What the cross-tab channel needs from this engine. */
  #tabHost(): TabChannelHost {
    return {
      docSync: this.#docSync,
      scheduler: this.#scheduler,
      presence: () => ({ sessionId: this.#session?.sessionId ?? 0, state: this.#sender.local }),
      peersChanged: () => this.#emitPresence(),
      adopt: (updates) => {
        for (const u of updates) this.#sender.outbox.add(u);
        this.#sender.scheduleFlush();
      },
      pending: () => this.#sender.outbox.pending().map((e) => e.update),
      report: (message) => this.#report('bad-tab-data', message, false),
    };
  }

  /** Emit `presence` with the merged peers. */
  #emitPresence(): void {
    this.#events.emit('presence', this.peers());
  }

  /** Emit `status` when it changes. */
  #setStatus(status: ProviderStatus): void {
    if (status === this.#current) return;
    this.#current = status;
    this.#events.emit('status', { status });
  }

  /** Emit a typed error. */
  readonly #report: ReportError = (code, message, fatal, details = {}) => {
    this.#events.emit('error', new ProviderError(code, message, { ...details, fatal }));
  };

  /** A socket opened: fetch the token, start the session, send `hello` with the state vector. */
  async #onOpen(url: string, generation: number): Promise<void> {
    let token = '';
    const source = this.#opts.token;
    if (typeof source === 'function') {
      try {
        token = await source();
      } catch (error) {
        if (this.#connection.generation !== generation) return;
        this.#authFailures++;
        this.#report('token-unavailable', `token function failed: ${String(error)}`, false, { url });
        this.#connection.drop(CLIENT_ABORT_CODE, 'no token');
        return;
      }
      if (this.#connection.generation !== generation || this.#connection.state !== 'opening') return;
    } else if (source !== undefined) token = source;
    this.#session = newSession(
      generation,
      url,
      this.#scheduler.now(),
      this.#opts.pingIntervalMs ?? PROVIDER_DEFAULTS.pingIntervalMs,
    );
    this.#setStatus('connected');
    this.#heartbeat.start(this.#session);
    const { w } = this.#opts;
    const stateVector = this.#docSync.stateVector();
    const session = this.#sessionVector.toAsk(stateVector, this.#pendingBytes());
    this.#send({
      type: 'hello',
      docId: this.docId,
      token,
      stateVector,
      ...(w === undefined ? {} : { w }),
      ...(session === undefined ? {} : { session }),
    });
  }

  /** A socket ended: decide (see `decideOnClose`) whether to retry or go offline, and report. */
  #onClose(info: ConnectionCloseInfo): void {
    const s = this.#session?.generation === info.generation ? this.#session : undefined;
    const lastError = s?.lastError;
    const refusedUpdate = s?.refusedUpdate === true;
    this.#endSession();
    const decision = decideOnClose({
      code: info.code,
      authFailures: this.#authFailures,
      maxAuthRetries: this.#opts.maxAuthRetries ?? PROVIDER_DEFAULTS.maxAuthRetries,
      refusedUpdate,
    });
    this.#authFailures = decision.authFailures;
    const fatal = decision.fatal;
    this.#events.emit('connection-close', {
      url: info.url,
      code: info.code,
      reason: info.reason,
      willRetry: !fatal,
    });
    const report = closeReport(info.code, info.reason, decision, lastError?.message);
    if (report !== undefined)
      this.#report(report.code, report.message, fatal, { closeCode: info.code, url: info.url });
    if (fatal) {
      this.#connection.stop();
      this.#setStatus('offline');
    } else if (this.#current !== 'offline') {
      this.#setStatus('connecting');
    }
  }

  /** Forget the current session: outbox entries become unsent, peers are forgotten. */
  #endSession(): void {
    const wasSynced = this.#session?.synced === true;
    this.#session = undefined;
    this.#heartbeat.stop();
    this.#sender.outbox.markAllUnsent();
    this.#versionRequests.connectionLost();
    this.#casRequests.connectionLost();
    if (this.#tracker.clear()) this.#emitPresence();
    this.#tabs?.announce();
    if (wasSynced) this.#events.emit('sync', false);
  }
}
