/**
 * @accord/sync-server: an Accord relay node (WebSocket rooms, SQLite storage, auth, limits) and
 * the seams the cluster plugs into (`Replicator`, `ReplicaHost`).
 * @packageDocumentation
 */
export type { ClientLimitsConfig } from './admission-config.js';
export * from './auth/index.js';
export * from './cluster/index.js';
export {
  ConfigError,
  helpText,
  loadConfig,
  type PeerAddress,
  parsePeers,
  type RelayConfig,
} from './config.js';
export * from './election/index.js';
export { type RelayNode, type ReplicatorFactory, type StartOptions, startRelayNode } from './node.js';
export { createMetrics, type RelayMetrics } from './ops/metrics.js';
export type { Tally } from './ops/tally.js';
export type {
  RegisterForwardedMessage,
  RegisterForwardMessage,
  RegisterMessage,
  RegisterPrepareMessage,
  RegisterPromiseMessage,
  RegisterWriteMessage,
  RegisterWrittenMessage,
} from './register/register-messages.js';
export type { CasOutcome } from './register/register-replication.js';
export type {
  CasRequest,
  RegisterEntry,
  RegisterRecord,
  RegisterVersion,
} from './register/register-state.js';
export type { Connection, ConnectionHandler } from './relay/connection.js';
export { CoreRoomDocument, coreEngine } from './relay/core-engine.js';
export type { DocumentEngine, RoomDocument } from './relay/document.js';
export { LocalReplicator } from './relay/local-replicator.js';
export { Relay, type RelayLimits, type RelayOptions } from './relay/relay.js';
export {
  type ClusterStatus,
  type ReadStateResult,
  type ReplicaHost,
  ReplicationError,
  type Replicator,
  type ReplicatorEvent,
  type SnapshotNumber,
} from './relay/replicator.js';
export * from './storage/index.js';
export {
  Admission,
  type AdmissionLimits,
  type AdmissionRefusal,
  addressKey,
  DEFAULT_UNLIMITED_ADDRESSES,
} from './transport/admission.js';
export {
  startTransport,
  type Transport,
  type TransportHandlers,
  type TransportOptions,
} from './transport/ws-server.js';
