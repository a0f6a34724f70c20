/**
 * Error codes carried by the protocol's `error` message. Names in TypeScript, small integers
 * on the wire. The numbering is part of the protocol: append, never renumber.
 */

/** Every error an Accord relay reports in an `error` message. */
export const ProtocolErrorCodes = [
  'unknown',
  'bad-frame',
  'bad-update',
  'bad-version',
  'too-large',
  'unexpected-message',
  'auth-failed',
  'token-expired',
  'forbidden',
  'read-only',
  'rate-limited',
  'unavailable',
  'internal',
  'going-away',
] as const;

/**
 * Why a relay reported an error:
 * - `bad-frame`: the frame did not decode; `bad-update`: the update inside did not apply;
 * - `bad-version`: unsupported protocol version; `too-large`: frame over the size limit;
 * - `unexpected-message`: a valid message at the wrong time (e.g. an update before `hello`);
 * - `auth-failed`, `token-expired`, `forbidden`: the token was refused;
 * - `read-only`: an update from a read-only session (carries the refused update id);
 * - `rate-limited`: the session sent too fast; `unavailable`: the update could not be made
 *   durable on enough nodes (carries its id: resend it later); `internal`: a node fault;
 * - `going-away`: the node is shutting down.
 */
export type ProtocolErrorCode = (typeof ProtocolErrorCodes)[number];

const indexOf = new Map<ProtocolErrorCode, number>(ProtocolErrorCodes.map((c, i) => [c, i]));

/** The wire number of an error code. */
export function errorCodeToWire(code: ProtocolErrorCode): number {
  return indexOf.get(code) ?? 0;
}

/** The error code for a wire number; numbers from a newer peer map to `'unknown'`. */
export function errorCodeFromWire(n: number): ProtocolErrorCode {
  return ProtocolErrorCodes[n] ?? 'unknown';
}
