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
   * @returns the bytes to relay to the room's sessions, or `null` when the document already held
   * all of `update` (a duplicate: the sessions have it). Normally `update` itself (an update only
   * partly new is relayed whole; one held for a missing dependency is relayed when first held).
   * When applying it released what the document held for missing dependencies and `withReleased`
   * is true, other bytes: an update with `update` and what it released. A session that joined
   * while those were held lacks them ({@link RoomDocument.diff} leaves held parts out), so these
   * go to every session, the sender of `update` included. With `withReleased` false (no session
   * joined while the document held anything: each got what is held when it arrived), `update`.
   */
  apply(update: Uint8Array, withReleased?: boolean): Uint8Array | null;
  /** The encoded state vector. */
  stateVector(): Uint8Array;
  /**
   * An update with everything a peer at `stateVector` lacks (what is held for missing
   * dependencies may be left out: {@link RoomDocument.apply} relays it when it is released).
   * Throws `DecodeError` on a bad vector.
   */
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
