/**
 * The session vector a provider carries across connections and failovers: what this client
 * session read from the relays or had acknowledged (its document's state vector without its
 * unacknowledged updates), plus the vector it was resumed with. A node serving the session must
 * hold all of it (read-your-writes, monotonic reads); the provider asks for that in `hello` only
 * when its own document does not hold the session (a resumed session with a fresh document),
 * because otherwise the provider sends the node whatever it lacks itself, right after `sync`.
 */
import {
  coversVector,
  decodeStateVector,
  encodeStateVectorMap,
  maxVector,
  sessionVectorOf,
} from '@accord/core/protocol';

/** Tracks one provider's session vector. Pure: no sockets, no timers. */
export class SessionVector {
  readonly #resumed: Map<number, number>;

  /**
   * @param resumed The vector of an earlier session this one continues (`provider.sessionVector()`
   *   of a provider since destroyed, e.g. kept in `sessionStorage` across a reload), if any.
   * @throws {DecodeError} when `resumed` is malformed.
   */
  constructor(resumed: Uint8Array | undefined) {
    this.#resumed = resumed === undefined ? new Map() : decodeStateVector(resumed);
  }

  /**
   * The session vector now: the document's state vector `stateVector` cut back before every
   * unacknowledged update in `pending`, joined with the resumed vector.
   */
  current(stateVector: Uint8Array, pending: Iterable<Uint8Array>): Uint8Array {
    return encodeStateVectorMap(maxVector([sessionVectorOf(stateVector, pending), this.#resumed]));
  }

  /**
   * What `hello.session` should carry: the session vector when the document at `stateVector`
   * does not hold all of it (the node must then catch up first), else `undefined`.
   */
  toAsk(stateVector: Uint8Array, pending: Iterable<Uint8Array>): Uint8Array | undefined {
    if (this.#resumed.size === 0) return undefined;
    if (coversVector(decodeStateVector(stateVector), this.#resumed)) return undefined;
    return this.current(stateVector, pending);
  }
}
