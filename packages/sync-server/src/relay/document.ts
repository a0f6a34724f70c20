/**
 * What a room needs from a CRDT document, as an interface so the relay (rooms, storage,
 * replication) stays independent of the document's implementation. The production engine wraps
 * `@accord/core`'s `Doc` (`core-engine.ts`).
 */

/** One room's in-memory document. Single-threaded: calls never interleave. */
export interface RoomDocument {
  /**
   * Apply an update (idempotent, commutative). Throws `DecodeError` on malformed or hostile
   * bytes and then leaves the document exactly as it was; updates whose dependencies are missing
   * are held until they arrive.
   * @returns whether the document changed: it integrated something, or holds something new for
   * missing dependencies. `false` when it already held all of `update` (a duplicate: the room's
   * sessions have it, so the relay does not send it again). An update only partly new is `true`.
   */
  apply(update: Uint8Array): boolean;
  /** The encoded state vector. */
  stateVector(): Uint8Array;
  /** An update with everything a peer at `stateVector` lacks. Throws `DecodeError` on a bad vector. */
  diff(stateVector: Uint8Array): Uint8Array;
  /** The full state as one compact update. */
  snapshot(): Uint8Array;
  /**
   * `true` when {@link snapshot} holds everything this document was given (no update is held
   * back waiting for a dependency), so a snapshot can replace the stored log.
   */
  complete(): boolean;
}

/** Creates documents and merges stored updates without a document (log compaction). */
export interface DocumentEngine {
  /** A fresh, empty document. */
  create(): RoomDocument;
  /**
   * One update equivalent to applying all of `updates` (in any order), including ones whose
   * dependencies are missing. Throws `DecodeError` if one of them is malformed.
   */
  merge(updates: readonly Uint8Array[]): Uint8Array;
}
