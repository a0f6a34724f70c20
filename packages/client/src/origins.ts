/**
 * Update origins that mark "another copy of this document on this device": the browser store
 * (`IndexeddbPersistence` loading what it kept) and other tabs (`BroadcastChannel`). The
 * provider does not queue such updates one by one for the relay: its handshake sends whatever
 * the relay lacks (a state-vector diff of the whole document), which covers them, so a reload or
 * a second tab never resends a document's whole history update by update.
 */

/** The property an origin object carries to say it is a local copy, and which kind. */
export const LOCAL_COPY: unique symbol = Symbol.for('accord.localCopy');

/** Where a local copy's updates come from. */
export type LocalCopyKind = 'store' | 'tab';

/** An origin object that marks updates read from a local copy of the document. */
export interface LocalCopyOrigin {
  /** The kind of local copy. */
  readonly [LOCAL_COPY]: LocalCopyKind;
}

/** The kind of local copy `origin` marks, or `undefined` for any other origin. */
export function localCopyKind(origin: unknown): LocalCopyKind | undefined {
  if (typeof origin !== 'object' || origin === null) return undefined;
  const kind = (origin as Partial<LocalCopyOrigin>)[LOCAL_COPY];
  return kind === 'store' || kind === 'tab' ? kind : undefined;
}
