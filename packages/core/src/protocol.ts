/**
 * @accord/core/protocol: what a relay author needs beside the document: the client–relay wire
 * protocol (message types, a bounded binary codec, error codes, named close codes, document ids,
 * presence), the update format on bytes (records, coverage, state-vector maps) and the binary
 * encoder and decoder they are written with. Pure: shared by `@accord/client` and
 * `@accord/sync-server`. See `docs/protocol.md`.
 * @packageDocumentation
 */

export { Decoder, decodeWith } from './encoding/decoder.js';
export { Encoder } from './encoding/encoder.js';
export { isWellFormedUtf16, loneSurrogateAt, utf8Length } from './encoding/utf16.js';
export { AccordError, type AccordErrorCode, DecodeError, type DecodeErrorCode } from './errors.js';
export { addsToCoverage, coverageOf, type UpdateCoverage } from './format/coverage.js';
export type { ContainerKind } from './format/kinds.js';
export {
  ContainerValue,
  type CounterRecord,
  type DecodedUpdate,
  type GcRecord,
  type MapRecord,
  type MarkRecord,
  type ParentRef,
  type SeqRecord,
  type UpdateRecord,
} from './format/records.js';
export { decodeStateVector, encodeStateVectorMap } from './format/state-vector.js';
export { decodeUpdate, encodeUpdate } from './format/update-codec.js';
export {
  CloseCode,
  type CloseCodeInfo,
  type CloseCodeName,
  type CloseCodeValue,
  closeCodeInfo,
} from './protocol/close-codes.js';
export {
  type DocIdProblem,
  describeDocIdProblem,
  docIdProblem,
  isValidDocId,
  MAX_DOC_ID_BYTES,
} from './protocol/doc-id.js';
export {
  errorCodeFromWire,
  errorCodeToWire,
  type ProtocolErrorCode,
  ProtocolErrorCodes,
} from './protocol/error-codes.js';
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
} from './protocol/message-codec.js';
export type {
  AckMessage,
  CasMessage,
  CasResultMessage,
  CasStatus,
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
  SessionStatus,
  SyncMessage,
  UpdateMessage,
  VersionInfo,
  VersionMessage,
  VersionsMessage,
  WelcomeMessage,
  WriteConcern,
} from './protocol/messages.js';
export { PROTOCOL_VERSION } from './protocol/messages.js';
export {
  FALLBACK_COLOR,
  MAX_NAME_LENGTH,
  type PeerPresence,
  type PresenceSource,
  safeColor,
  safeName,
} from './protocol/presence-peers.js';
export {
  MAX_PRESENCE_COLOR_BYTES,
  MAX_PRESENCE_NAME_BYTES,
  presenceStateSize,
  readPresenceState,
  writePresenceState,
} from './protocol/presence-state.js';
export {
  PRESENCE_MAX_DEPTH,
  PRESENCE_MAX_NODES,
  type PresenceValue,
  presenceValueSize,
  readPresenceValue,
  writePresenceValue,
} from './protocol/presence-value.js';
export {
  MAX_CAS_OP_ID_BYTES,
  MAX_REGISTER_KEY_BYTES,
  MAX_REGISTER_VALUE_BYTES,
  type RegisterValue,
  readCasOpId,
  readRegisterKey,
  readRegisterValue,
  registerKeyProblem,
  registerValueProblem,
  writeRegisterValue,
} from './protocol/register-value.js';
export { coversVector, maxVector, sessionVectorOf, updateStarts } from './protocol/session-vector.js';
