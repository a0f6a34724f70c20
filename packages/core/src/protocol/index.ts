/**
 * The client/relay wire protocol: message types, a bounded binary codec, error codes and named
 * close codes. Pure: shared by `@accord/client` and `@accord/sync-server`. See `docs/protocol.md`.
 */
export {
  CloseCode,
  type CloseCodeInfo,
  type CloseCodeName,
  type CloseCodeValue,
  closeCodeInfo,
} from './close-codes.js';
export {
  type DocIdProblem,
  describeDocIdProblem,
  docIdProblem,
  isValidDocId,
  MAX_DOC_ID_BYTES,
} from './doc-id.js';
export {
  errorCodeFromWire,
  errorCodeToWire,
  type ProtocolErrorCode,
  ProtocolErrorCodes,
} from './error-codes.js';
export {
  decodeClientMessage,
  decodeMessage,
  decodeServerMessage,
  encodeMessage,
  MAX_ERROR_MESSAGE_BYTES,
  MAX_SUCCESSORS,
  MAX_TOKEN_BYTES,
  MAX_VERSIONS,
  MessageTypeCode,
} from './message-codec.js';
export type {
  AckMessage,
  ClientMessage,
  ClusterMessage,
  ErrorMessage,
  GetVersionMessage,
  HelloMessage,
  ListVersionsMessage,
  Message,
  MessageType,
  PingMessage,
  PongMessage,
  PresenceEntry,
  PresenceMessage,
  PresenceState,
  PresenceUpdateMessage,
  ResyncMessage,
  Scope,
  ServerMessage,
  SyncMessage,
  UpdateMessage,
  VersionInfo,
  VersionMessage,
  VersionsMessage,
  WelcomeMessage,
} from './messages.js';
export { PROTOCOL_VERSION } from './messages.js';
export {
  MAX_PRESENCE_COLOR_BYTES,
  MAX_PRESENCE_NAME_BYTES,
  presenceStateSize,
  readPresenceState,
  writePresenceState,
} from './presence-state.js';
export {
  PRESENCE_MAX_DEPTH,
  PRESENCE_MAX_NODES,
  type PresenceValue,
  presenceValueSize,
  readPresenceValue,
  writePresenceValue,
} from './presence-value.js';
