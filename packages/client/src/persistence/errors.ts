/**
 * Typed errors of the browser store. Every one is reported through `IndexeddbPersistence`'s
 * `error` event; none is thrown at the page, and none rejects `whenSynced`.
 */

/** Why the browser store reported an error. */
export type PersistenceErrorCode =
  /** IndexedDB is missing or refused (private mode, opaque origin, blocked by policy): network-only. */
  | 'unavailable'
  /** The browser's storage quota is full: updates are no longer stored (network-only from then on). */
  | 'quota-exceeded'
  /** A stored record is not a valid update (garbage bytes): it is skipped and dropped at the next compaction. */
  | 'corrupt'
  /** The store was written by another schema version: it is left untouched, network-only. */
  | 'unsupported-schema'
  /** A read or write failed for another reason: network-only from then on. */
  | 'io-error';

/** An error reported by `IndexeddbPersistence` through `on('error', …)`. */
export class PersistenceError extends Error {
  /** Machine-readable reason. */
  readonly code: PersistenceErrorCode;
  /** True when the store is no longer used (the document is then synced by the network only). */
  readonly fatal: boolean;
  /** The underlying error (a `DOMException` or a `DecodeError`), if any. */
  override readonly cause: unknown;

  /** An error with `code`; `fatal` says whether the store was given up. */
  constructor(code: PersistenceErrorCode, message: string, details: { fatal: boolean; cause?: unknown }) {
    super(message);
    this.name = 'PersistenceError';
    this.code = code;
    this.fatal = details.fatal;
    this.cause = details.cause;
  }
}

/** Whether `error` is the browser's "storage quota exceeded" failure. */
export function isQuotaError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED' || code === 22;
}
