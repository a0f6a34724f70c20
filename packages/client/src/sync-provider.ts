/**
 * `SyncProvider`: the public API of the provider over any {@link DocSync} (`WebsocketProvider`
 * binds it to an `@accord/core` `Doc`). It is an event emitter that holds its engine (the
 * non-exported `ProviderCore`, which owns the protocol) privately and delegates to it.
 */
import type { PresenceState, RegisterValue, SessionStatus, VersionInfo } from '@accord/core/protocol';
import type { CasResult } from './cas-requests.js';
import type { DocSync } from './doc-sync.js';
import { Emitter } from './emitter.js';
import { type PresenceInput, toPresenceState } from './presence.js';
import { ProviderCore } from './provider-core.js';
import type { ClusterInfo, ProviderEvents, ProviderOptions, ProviderStatus } from './provider-options.js';
import type { LoadedVersion } from './version-requests.js';

/**
 * Syncs a document with a relay cluster (see the package README for the protocol). All state
 * changes happen on the caller's event loop; listeners run synchronously.
 */
export class SyncProvider extends Emitter<ProviderEvents> {
  /** The document id this provider syncs. */
  readonly docId: string;
  /** The engine: connection, outbox, relay handling, presence, session lifecycle. */
  readonly #core: ProviderCore;

  /**
   * Sync `docSync` through the relays at `urls`. Starts connecting at once unless
   * `options.connect` is `false`. Relay updates are applied with this provider as their origin.
   * @throws TypeError for an empty or invalid URL list, an invalid `docId` (see `docIdProblem`), or no WebSocket class.
   */
  constructor(docSync: DocSync, urls: readonly string[], options: ProviderOptions) {
    super();
    this.#core = new ProviderCore(docSync, urls, options, this, this);
    this.docId = this.#core.docId;
    if (options.connect !== false) this.connect();
  }

  /** The current status. */
  get status(): ProviderStatus {
    return this.#core.status;
  }

  /** Whether the relay's state has been applied on the current connection. */
  get synced(): boolean {
    return this.#core.synced;
  }

  /** The last cluster information received (kept while reconnecting), or `null`. */
  get cluster(): ClusterInfo | null {
    return this.#core.cluster;
  }

  /** The relay URL of the current (or last) connection attempt. */
  get url(): string {
    return this.#core.url;
  }

  /** This session's id on the current connection, if the handshake got that far. */
  get sessionId(): number | undefined {
    return this.#core.sessionId;
  }

  /**
   * Whether the node serving the current connection merged the document from its read quorum
   * before answering; false when too few nodes answered in time (edits acknowledged elsewhere may
   * arrive later). Undefined before the handshake's `welcome`.
   */
  get readQuorum(): boolean | undefined {
    return this.#core.readQuorum;
  }

  /**
   * Whether the node serving the current connection holds this session's vector (as
   * `ConnectedNode.session`); undefined before its `welcome`.
   */
  get sessionStatus(): SessionStatus | undefined {
    return this.#core.sessionStatus;
  }

  /**
   * This session's vector: what it read from the relays or had acknowledged (the document's
   * state vector without its unacknowledged updates, joined with the `session` it was resumed
   * with). Keep it (in `sessionStorage`, say) and pass it as `session` to a new provider with a
   * fresh document: the node serving that one catches up until it holds it all, so the session
   * never reads older state than it did (read-your-writes, monotonic reads across failover).
   */
  sessionVector(): Uint8Array {
    return this.#core.sessionVector();
  }

  /** Local updates not yet acknowledged as durable (merged batches count once). */
  get pendingUpdates(): number {
    return this.#core.pendingUpdates;
  }

  /**
   * The other sessions in the room, keyed by session id (a copy). With `crossTab`, other tabs of
   * this browser the relay does not list (offline, or not connected yet) are included too, keyed
   * by a negative number.
   */
  get peers(): Map<number, PresenceState> {
    return this.#core.peers();
  }

  /** This session's presence as last set, or `null`. */
  get localPresence(): PresenceState | null {
    return this.#core.localPresence;
  }

  /**
   * The document's versions this relay node keeps (its numbered snapshots: the cluster's ordered
   * history), oldest first. Waits for a synced connection (up to `requestTimeoutMs`).
   * @throws {VersionError} `timeout` or `destroyed` (as a rejection).
   */
  versions(): Promise<readonly VersionInfo[]> {
    return this.#core.versions();
  }

  /**
   * Fetch version (`term`, `seq`) as a full-state update, with its time.
   * @throws {VersionError} `not-found` when the node does not keep it, `timeout`, `destroyed`.
   */
  fetchVersion(number: { readonly term: number; readonly seq: number }): Promise<LoadedVersion> {
    return this.#core.fetchVersion(number.term, number.seq);
  }

  /**
   * Compare-and-set `key` of the document's register: set it to `next` if its value is
   * `expected` (`null`: absent; `next: null` removes it). Linearizable: the cluster's leader
   * decides, a majority stores the outcome before the answer. For what CRDTs cannot do: a lock,
   * a unique name, a publish flag. Values are JSON scalars (strings up to 1 KiB); a document
   * holds at most 64 keys. Sent again only while nothing can have been applied (no leader yet).
   * Resolves `{ ok, value }`: whether it applied, and the value after it.
   * @throws {CasError} (as a rejection) `invalid`, `refused` (read-only session, a limit),
   * `timeout` (after `requestTimeoutMs` without a definite answer) or `unknown` (a failover or a
   * lost majority while it was in flight): for both it may have been applied; `destroyed`.
   */
  cas(key: string, expected: RegisterValue, next: RegisterValue): Promise<CasResult> {
    return this.#core.cas(key, expected, next);
  }

  /**
   * Go online: connect (or keep connecting) to the relays. Also clears a previous fatal error,
   * so call it after supplying a new token. A no-op when already online.
   * @throws Error after `destroy()`.
   */
  connect(): void {
    this.#core.connect();
  }

  /**
   * Go offline (the offline switch): close the connection and stop reconnecting. Local edits keep
   * collecting in the outbox and are sent on the next `connect()`.
   */
  disconnect(): void {
    this.#core.disconnect();
  }

  /**
   * Disconnect for good: unsubscribe from the document, reject pending `whenAcknowledged()`
   * promises with {@link ProviderDestroyedError}, drop every listener. Idempotent.
   */
  destroy(): void {
    if (this.#core.destroyed) return;
    this.disconnect();
    this.#core.destroy();
    this.clear();
  }

  /**
   * Resolves once every local update made so far (including content the document had when the
   * provider was created) is acknowledged as durable by the relay. Waits across reconnects and
   * failovers. Rejects with {@link ProviderDestroyedError} on `destroy()`, or with a
   * {@link ProviderError} if the relay refused one of those updates as malformed.
   */
  whenAcknowledged(): Promise<void> {
    return this.#core.whenAcknowledged();
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
   * @throws AccordError `invalid-argument` if a value is not a valid presence value.
   */
  setPresence(state: PresenceInput | null): void {
    this.#core.setPresence(state === null ? null : toPresenceState(state));
  }

  /** Merge fields into this session's presence (see {@link setPresence}). */
  updatePresence(fields: PresenceInput): void {
    this.setPresence({ ...(this.#core.localPresence ?? {}), ...fields });
  }
}
