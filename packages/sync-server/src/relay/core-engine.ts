/**
 * The production {@link DocumentEngine}: rooms hold `@accord/core` documents; compaction merges
 * stored updates with `mergeUpdates` (no document needed).
 */
import { applyUpdate, Doc, encodeStateAsUpdate, encodeStateVector, mergeUpdates } from '@accord/core';
import type { DocumentEngine, RoomDocument } from './document.js';

/** A room document backed by an `@accord/core` `Doc`. */
export class CoreRoomDocument implements RoomDocument {
  readonly doc = new Doc();

  apply(update: Uint8Array): void {
    applyUpdate(this.doc, update, 'relay');
  }

  stateVector(): Uint8Array {
    return encodeStateVector(this.doc);
  }

  diff(stateVector: Uint8Array): Uint8Array {
    // Decoding the vector throws DecodeError on bad bytes, before anything is encoded.
    return encodeStateAsUpdate(this.doc, stateVector);
  }

  snapshot(): Uint8Array {
    return encodeStateAsUpdate(this.doc);
  }

  complete(): boolean {
    return this.doc.pendingCount === 0 && this.doc.pendingDeleteCount === 0;
  }
}

/** The engine every production node uses. */
export const coreEngine: DocumentEngine = {
  create: () => new CoreRoomDocument(),
  merge: (updates) => mergeUpdates([...updates]),
};
