/**
 * @accord/client: the provider an application uses to sync an Accord document with a relay
 * cluster over WebSockets: failover across nodes, reconnect with backoff and jitter, an outbox of
 * unacknowledged local updates, presence, and cluster status; `IndexeddbPersistence` keeps the
 * document in the browser, and `crossTab` syncs the tabs of one browser. Runs in browsers (native
 * WebSocket) and in Node (pass `ws`).
 * @packageDocumentation
 */

export type { RegisterValue } from '@accord/core/protocol';
// The public surface: the providers, the browser store, their options, events and errors, and
// the types they are built from. The parts they are made of (the provider's engine and its relay
// handler and sender, connection, outbox, backoff, heartbeat, policy, presence tracker, tab
// channel and codec, URL pool, version requests) are not exported: they change without notice
// (see api/client.api.md for the whole surface).
export { type BackoffOptions, DEFAULT_BACKOFF } from './backoff.js';
export { CasError, type CasErrorCode, type CasResult } from './cas-requests.js';
export { bindDoc } from './doc-binding.js';
export type { DocSync } from './doc-sync.js';
export { Emitter, type EventMap } from './emitter.js';
export { ProviderDestroyedError, ProviderError, type ProviderErrorCode } from './errors.js';
export { LOCAL_COPY, type LocalCopyKind, type LocalCopyOrigin, localCopyKind } from './origins.js';
export { PersistenceError, type PersistenceErrorCode } from './persistence/errors.js';
export type { KeyRanges } from './persistence/idb.js';
export { IndexeddbPersistence } from './persistence/indexeddb-persistence.js';
export {
  type IndexeddbPersistenceOptions,
  PERSISTENCE_DEFAULTS,
  type PersistenceEvents,
  type PersistenceStatus,
} from './persistence/persistence-options.js';
export type { PresenceInput } from './presence.js';
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
export type { Scheduler, TimerHandle } from './scheduler.js';
export type {
  SocketCloseEvent,
  SocketHandler,
  SocketMessageEvent,
  WebSocketConstructor,
  WebSocketLike,
} from './socket.js';
export { SyncProvider } from './sync-provider.js';
export type { BroadcastChannelFactory, BroadcastChannelLike } from './tabs/tab-channel.js';
export { type LoadedVersion, VersionError, type VersionErrorCode } from './version-requests.js';
export { WebsocketProvider } from './websocket-provider.js';
