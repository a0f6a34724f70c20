/**
 * Typed errors shared by every Accord module. Each carries a stable `code` so callers (and the
 * relay, which turns them into close codes) can branch on the kind of failure, never on message text.
 */

/** Why a byte sequence could not be decoded. */
export type DecodeErrorCode =
  | 'truncated'
  | 'overflow'
  | 'bad-tag'
  | 'bad-version'
  | 'bad-utf8'
  | 'too-large'
  | 'trailing-bytes'
  | 'invalid';

/**
 * Thrown by every decoder in Accord when input bytes are malformed, truncated or hostile.
 * Decoders throw nothing else on bad input, and a failed decode never changes any state.
 */
export class DecodeError extends Error {
  /** Machine-readable reason. */
  readonly code: DecodeErrorCode;

  constructor(code: DecodeErrorCode, message: string) {
    super(message);
    this.name = 'DecodeError';
    this.code = code;
  }
}

/** Why an operation on a CRDT or buffer was refused. */
export type AccordErrorCode =
  | 'buffer-overflow'
  | 'invalid-argument'
  | 'out-of-range'
  | 'read-only'
  | 'replica-collision'
  | 'too-large'
  | 'wrong-type';

/** Thrown when a caller asks for something a CRDT or buffer cannot do; state is left unchanged. */
export class AccordError extends Error {
  /** Machine-readable reason. */
  readonly code: AccordErrorCode;

  constructor(code: AccordErrorCode, message: string) {
    super(message);
    this.name = 'AccordError';
    this.code = code;
  }
}
