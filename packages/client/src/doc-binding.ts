/**
 * Adapts an `@accord/core` `Doc` to the {@link DocSync} interface the provider speaks.
 */
import {
  applyUpdate,
  Doc,
  encodeStateAsUpdate,
  encodeStateVector,
  mergeUpdates,
  type UpdateListener,
} from '@accord/core';
import type { DocSync } from './doc-sync.js';

let emptyUpdate: Uint8Array | undefined;

/** The update an empty document encodes to: "nothing to send". */
function isEmptyUpdate(update: Uint8Array): boolean {
  emptyUpdate ??= encodeStateAsUpdate(new Doc());
  if (update.length !== emptyUpdate.length) return false;
  for (let i = 0; i < update.length; i++) if (update[i] !== emptyUpdate[i]) return false;
  return true;
}

/**
 * The {@link DocSync} view of `doc`. `missingFor` is `encodeStateAsUpdate(doc, stateVector)`,
 * so deletions the peer lacks travel too (they are not visible in a state vector).
 */
export function bindDoc(doc: Doc): DocSync {
  return {
    stateVector: () => encodeStateVector(doc),
    missingFor: (stateVector) => {
      const diff = encodeStateAsUpdate(doc, stateVector);
      return isEmptyUpdate(diff) ? undefined : diff;
    },
    fullState: () => {
      const full = encodeStateAsUpdate(doc);
      return isEmptyUpdate(full) ? undefined : full;
    },
    apply: (update, origin) => applyUpdate(doc, update, origin),
    merge: (updates) => mergeUpdates(updates),
    onUpdate: (listener) => {
      const fn: UpdateListener = (update, origin) => listener(update, origin);
      doc.on('update', fn);
      return () => doc.off('update', fn);
    },
  };
}
