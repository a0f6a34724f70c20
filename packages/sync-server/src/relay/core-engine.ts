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
   * nothing integrated nothing held is released, so a held count that moved means news. A changed
   * document relays `update` itself, unless it held something before, `withReleased` asks for
   * what is released and `update` released some of it: see `applyHolding` below. A document
   * holding nothing, or not asked for releases, costs nothing more.
   */
  apply(update: Uint8Array, withReleased = true): Uint8Array | null {
    const doc = this.doc;
    const changes = doc.changeCount;
    const held = doc.pendingCount;
    const heldDeletes = doc.pendingDeleteCount;
    if ((held === 0 && heldDeletes === 0) || !withReleased) applyUpdate(doc, update, 'relay');
    else {
      const released = this.applyHolding(update);
      if (released !== null) return released;
    }
    const changed =
      doc.changeCount !== changes || doc.pendingCount !== held || doc.pendingDeleteCount !== heldDeletes;
    return changed ? update : null;
  }

  /**
   * Apply `update` to the document while it holds something, listening to `'update'` (one
   * encoding of what the transaction integrated and deleted). When the update released held
   * structs or deletions (`Doc.releaseCount` moved; the held counts miss a range released in part,
   * or a release and a new hold in one update), returns `update` merged with the transaction's
   * update: the released parts come with the latter, what `update` holds anew with the former.
   * Otherwise null.
   */
  private applyHolding(update: Uint8Array): Uint8Array | null {
    const doc = this.doc;
    const releases = doc.releaseCount;
    const added: Uint8Array[] = [];
    const listen = (u: Uint8Array): void => {
      added.push(u);
    };
    doc.on('update', listen);
    try {
      applyUpdate(doc, update, 'relay');
    } finally {
      doc.off('update', listen);
    }
    const tx = added[0];
    return tx !== undefined && doc.releaseCount !== releases ? mergeUpdates([update, tx]) : null;
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
