/**
 * What the provider needs from a document, as a small interface: the provider's protocol logic
 * is written against it (and unit-tested with a stand-in), and `bindDoc` adapts an `@accord/core`
 * `Doc` to it.
 */

/** The document operations the sync protocol uses. */
export interface DocSync {
  /** The encoded state vector of the document (`encodeStateVector`). */
  stateVector(): Uint8Array;
  /**
   * An update with what a peer at `stateVector` lacks, or `undefined` when it lacks nothing.
   * @throws DecodeError when `stateVector` is malformed.
   */
  missingFor(stateVector: Uint8Array): Uint8Array | undefined;
  /** The whole state as one update, or `undefined` for an empty document. */
  fullState(): Uint8Array | undefined;
  /**
   * Apply a remote update with `origin`.
   * @throws DecodeError on malformed bytes; the document is then unchanged.
   */
  apply(update: Uint8Array, origin: unknown): void;
  /** Merge updates into one (`mergeUpdates`). */
  merge(updates: Uint8Array[]): Uint8Array;
  /**
   * Split an update into parts of at most `maxBytes` (`splitUpdate`).
   * @throws when one indivisible value alone is larger.
   */
  split(update: Uint8Array, maxBytes: number): Uint8Array[];
  /** Subscribe to every transaction's update; returns the unsubscribe function. */
  onUpdate(listener: (update: Uint8Array, origin: unknown) => void): () => void;
}
