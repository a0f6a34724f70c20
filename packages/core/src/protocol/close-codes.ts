/**
 * WebSocket close codes shared by the relay and every client, so both sides name the same
 * reasons the same way. Standard codes (RFC 6455) for transport-level faults; the 4xxx range
 * for Accord's own reasons. A client uses {@link closeCodeInfo} to decide whether to reconnect.
 */

/** Every close code the relay sends, by name. */
export const CloseCode = {
  /** Normal closure: the peer asked to close. */
  normal: 1000,
  /** The endpoint is going away (RFC 6455); reconnecting is fine. */
  goingAwayStandard: 1001,
  /** The frame or the update inside it is malformed (RFC 6455 "invalid frame payload data"). */
  badData: 1007,
  /** The peer broke a rule of the protocol: wrong message at the wrong time, flood, bad origin. */
  policy: 1008,
  /** A frame exceeded the node's maximum payload. */
  tooBig: 1009,
  /** The node failed unexpectedly while serving this connection. */
  internalError: 1011,
  /** No token, a token that does not verify, or a token signed with another key. */
  authFailed: 4001,
  /** The token verified but its expiry is in the past: fetch a new one before reconnecting. */
  tokenExpired: 4002,
  /** The token verified but does not grant this document (or this operation). */
  forbidden: 4003,
  /** The node is shutting down or draining: reconnect, preferably to another node. */
  goingAway: 4004,
  /** The client exceeded its rate limit for long enough to be disconnected. */
  rateLimited: 4005,
  /** The client did not complete the handshake in time. */
  handshakeTimeout: 4006,
  /** The client speaks a protocol version this node does not. */
  unsupportedVersion: 4007,
  /** The node is at its connection limit: try again later or another node. */
  overloaded: 4008,
  /** The client was silent longer than the idle timeout. */
  idleTimeout: 4009,
} as const;

/** The name of a close code, e.g. `'authFailed'`. */
export type CloseCodeName = keyof typeof CloseCode;

/** A numeric close code from {@link CloseCode}. */
export type CloseCodeValue = (typeof CloseCode)[CloseCodeName];

/** What a client should do after a close with a given code. */
export interface CloseCodeInfo {
  /** The code's name in {@link CloseCode}, or `'unknown'`. */
  readonly name: CloseCodeName | 'unknown';
  /**
   * `true` when reconnecting (with backoff) may succeed without the user doing anything;
   * `false` when the same request will fail again (bad token, forbidden, a client bug).
   */
  readonly retry: boolean;
  /** `true` when the client needs a new token before retrying. */
  readonly needsNewToken: boolean;
}

const byValue = new Map<number, CloseCodeName>(
  (Object.entries(CloseCode) as [CloseCodeName, number][]).map(([k, v]) => [v, k]),
);

const noRetry = new Set<CloseCodeName>([
  'authFailed',
  'forbidden',
  'badData',
  'tooBig',
  'unsupportedVersion',
  'tokenExpired',
]);

/**
 * Describe a close code received from a relay. Unknown codes are treated as retryable (a
 * transport fault is the likeliest cause). Never throws.
 */
export function closeCodeInfo(code: number): CloseCodeInfo {
  const name = byValue.get(code) ?? 'unknown';
  return {
    name,
    retry: name === 'unknown' || !noRetry.has(name),
    needsNewToken: name === 'tokenExpired' || name === 'authFailed',
  };
}
