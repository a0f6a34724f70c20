/**
 * The production {@link DocumentEngine}: rooms hold `@accord/core` documents; compaction merges
 * stored updates with `mergeUpdates` (no document needed).
 */
import {
  applyUpdate,
  Doc,
  type DocOptions,
  encodeStateAsUpdate,
  encodeStateVector,
  mergeUpdates,
} from '@accord/core';
import type { DocumentEngine, RoomDocument } from './document.js';

/** A room document backed by an `@accord/core` `Doc`. */
export class CoreRoomDocument implements RoomDocument {
  readonly doc: Doc;

  /** @param options the document's options (production: the defaults; tests lower the held-set limits). */
  constructor(options: DocOptions = {}) {
    this.doc = new Doc(options);
  }

  /**
   * Whether the document changed is read from three counters, before and after (no encoding):
   * its change count (structs integrated, ids deleted) and its held structs and deletions. With
   * nothing integrated nothing held is released, so a held count that moved means news.
   */
  apply(update: Uint8Array): boolean {
    const doc = this.doc;
    const changes = doc.changeCount;
    const held = doc.pendingCount;
    const heldDeletes = doc.pendingDeleteCount;
    applyUpdate(doc, update, 'relay');
    return doc.changeCount !== changes || doc.pendingCount !== held || doc.pendingDeleteCount !== heldDeletes;
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
