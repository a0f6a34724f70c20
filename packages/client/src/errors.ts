/**
 * Typed errors the provider reports through its `error` event. Each has a stable `code` to
 * branch on, says whether the provider gave up (`fatal`), and carries the close code and relay
 * URL when they apply.
 */
import { type CloseCodeName, closeCodeInfo, type ProtocolErrorCode } from '@accord/core/protocol';

/** Why the provider reported an error. */
export type ProviderErrorCode =
  /** The relay refused the token (missing, bad signature, wrong key). */
  | 'auth-failed'
  /** The token has expired: supply a new one (a `token` function is called again on retry). */
  | 'token-expired'
  /** The token does not grant this document. */
  | 'forbidden'
  /** The session is read-only: local edits stay local and are never acknowledged. */
  | 'read-only'
  /** The relay refused one of our updates as malformed (it is dropped from the outbox). */
  | 'bad-update'
  /** A frame was over the relay's size limit. */
  | 'too-large'
  /** The relay speaks another protocol version. */
  | 'unsupported-version'
  /** The relay sent bytes that did not decode or apply; the provider moved to another node. */
  | 'bad-relay-data'
  /** An update could not be made durable on the write quorum; it will be resent. */
  | 'unavailable'
  /** The relay throttled this session. */
  | 'rate-limited'
  /** The relay reported an internal fault or broke the protocol. */
  | 'relay-error'
  /** The token function threw or rejected. */
  | 'token-unavailable'
  /** A message from another tab (cross-tab sync) did not decode or apply; it was dropped. */
  | 'bad-tab-data'
  /** A connection was lost (informational; the provider reconnects). */
  | 'connection-lost';

/** An error reported by `WebsocketProvider` through `on('error', …)`. */
export class ProviderError extends Error {
  /** Machine-readable reason. */
  readonly code: ProviderErrorCode;
  /** True when the provider stopped reconnecting because of it (status is now `offline`). */
  readonly fatal: boolean;
  /** The WebSocket close code that carried it, if any. */
  readonly closeCode: number | undefined;
  /** The relay URL involved, if any. */
  readonly url: string | undefined;

  /** An error with `code`; `details` say whether it is fatal, and the close code and URL involved. */
  constructor(
    code: ProviderErrorCode,
    message: string,
    details: { fatal?: boolean; closeCode?: number; url?: string } = {},
  ) {
    super(message);
    this.name = 'ProviderError';
    this.code = code;
    this.fatal = details.fatal ?? false;
    this.closeCode = details.closeCode;
    this.url = details.url;
  }
}

/** Thrown (as a rejection) by pending `whenAcknowledged()` promises when the provider is destroyed. */
export class ProviderDestroyedError extends Error {
  /** The error pending `whenAcknowledged()` promises reject with. */
  constructor() {
    super('the provider was destroyed before every update was acknowledged');
    this.name = 'ProviderDestroyedError';
  }
}

const byCloseName: Partial<Record<CloseCodeName, ProviderErrorCode>> = {
  authFailed: 'auth-failed',
  tokenExpired: 'token-expired',
  forbidden: 'forbidden',
  badData: 'bad-update',
  tooBig: 'too-large',
  unsupportedVersion: 'unsupported-version',
  rateLimited: 'rate-limited',
  internalError: 'relay-error',
  policy: 'relay-error',
};

/** The provider error code for a relay close code (`connection-lost` for ordinary drops). */
export function errorCodeForClose(code: number): ProviderErrorCode {
  return byCloseName[closeCodeInfo(code).name as CloseCodeName] ?? 'connection-lost';
}

const byProtocolCode: Partial<Record<ProtocolErrorCode, ProviderErrorCode>> = {
  'auth-failed': 'auth-failed',
  'token-expired': 'token-expired',
  forbidden: 'forbidden',
  'read-only': 'read-only',
  'bad-update': 'bad-update',
  'too-large': 'too-large',
  'bad-version': 'unsupported-version',
  'rate-limited': 'rate-limited',
  unavailable: 'unavailable',
};

/** The provider error code for a protocol `error` message code. */
export function errorCodeForProtocol(code: ProtocolErrorCode): ProviderErrorCode {
  return byProtocolCode[code] ?? 'relay-error';
}

/**
 * Emits a {@link ProviderError} through the provider's `error` event: what the provider's parts
 * (sender, relay handler, session lifecycle) call to report a problem.
 */
export type ReportError = (
  code: ProviderErrorCode,
  message: string,
  fatal: boolean,
  details?: { closeCode?: number; url?: string },
) => void;
