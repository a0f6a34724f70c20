/**
 * @accord/client: the provider an application uses to sync an Accord document with a relay
 * cluster over WebSockets: failover across nodes, reconnect with backoff and jitter, an outbox of
 * unacknowledged local updates, presence, and cluster status; `IndexeddbPersistence` keeps the
 * document in the browser, and `crossTab` syncs the tabs of one browser. Runs in browsers (native
 * WebSocket) and in Node (pass `ws`).
 * @packageDocumentation
 */

export { Backoff, type BackoffOptions, backoffWindow, DEFAULT_BACKOFF, fullJitterDelay } from './backoff.js';
export {
  CLIENT_ABORT_CODE,
  Connection,
  type ConnectionCloseInfo,
  type ConnectionEvents,
  type ConnectionOptions,
  type ConnectionState,
} from './connection.js';
export { bindDoc } from './doc-binding.js';
export type { DocSync } from './doc-sync.js';
export { Emitter, type EventMap } from './emitter.js';
export {
  errorCodeForClose,
  errorCodeForProtocol,
  ProviderDestroyedError,
  ProviderError,
  type ProviderErrorCode,
} from './errors.js';
export { Heartbeat, type LivenessSource } from './heartbeat.js';
export { LOCAL_COPY, type LocalCopyKind, type LocalCopyOrigin, localCopyKind } from './origins.js';
export { Outbox, type OutboxEntry, type OutboxOptions } from './outbox.js';
export { isQuotaError, PersistenceError, type PersistenceErrorCode } from './persistence/errors.js';
export { databaseName, SCHEMA_VERSION } from './persistence/idb.js';
export {
  IndexeddbPersistence,
  type IndexeddbPersistenceOptions,
  PERSISTENCE_DEFAULTS,
  type PersistenceEvents,
  type PersistenceStatus,
} from './persistence/indexeddb-persistence.js';
export {
  type CloseDecision,
  type CloseFacts,
  checkLiveness,
  decideOnClose,
  type LivenessLimits,
  type LivenessVerdict,
} from './policy.js';
export { type PresenceInput, PresenceTracker, toPresenceState } from './presence.js';
export { ProviderEngine } from './provider-engine.js';
export {
  type ClusterInfo,
  type ConnectedNode,
  type ConnectionCloseEvent,
  PROVIDER_DEFAULTS,
  type ProviderEvents,
  type ProviderOptions,
  type ProviderStatus,
  type TokenSource,
} from './provider-options.js';
export { type Scheduler, systemScheduler, type TimerHandle, TimerSlot } from './scheduler.js';
export type {
  SocketCloseEvent,
  SocketMessageEvent,
  WebSocketConstructor,
  WebSocketLike,
} from './socket.js';
export { SyncProvider } from './sync-provider.js';
export {
  type BroadcastChannelFactory,
  type BroadcastChannelLike,
  defaultChannelFactory,
  TabChannel,
  type TabChannelHost,
  type TabChannelOptions,
} from './tabs/tab-channel.js';
export {
  decodeTabMessage,
  encodeTabMessage,
  TAB_PROTOCOL_VERSION,
  type TabMessage,
} from './tabs/tab-codec.js';
export { UrlPool } from './url-pool.js';
export {
  type LoadedVersion,
  VersionError,
  type VersionErrorCode,
  VersionRequests,
} from './version-requests.js';
export { WebsocketProvider } from './websocket-provider.js';
