/**
 * The options of a `Doc` and their checks, and the type of its `'update'` listeners.
 */
import { AccordError } from '../errors.js';

/** Options of {@link Doc}. */
export interface DocOptions {
  /** This replica's id (a non-negative safe integer, unique per session). Default: random. */
  clientId?: number;
  /** Wall clock for map timestamps (default `Date.now`), injectable for tests. */
  now?: () => number;
  /**
   * Most structs (runs) held back while their dependencies are missing, and most deleted ranges
   * held back for structs not received yet; an update that would hold more of either is refused
   * with `DecodeError('too-large')` and changes nothing. Default 100,000.
   */
  maxPending?: number;
  /**
   * Most estimated bytes of structs held back while their dependencies are missing (128 per run
   * plus its content: 2 per UTF-16 unit of text, keys and root names, 8 per number, more for
   * nested values); an update that would hold more is refused with `DecodeError('too-large')`
   * and changes nothing. Default 16 MiB (100,000 one-character runs take about 13 MB).
   */
  maxPendingBytes?: number;
}

/** Receives the binary update of every transaction, local or remote. */
export type UpdateListener = (update: Uint8Array, origin: unknown) => void;

/** A limit option: `value` if given (a non-negative safe integer), else `fallback`. */
export function limit(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new AccordError(
      'invalid-argument',
      `${name} must be a non-negative safe integer, got ${String(value)}`,
    );
  }
  return value;
}
