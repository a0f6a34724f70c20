/**
 * Adapts an `@accord/core` `Doc` to the {@link DocSync} interface the provider speaks.
 */
import {
  applyUpdate,
  type Doc,
  decodeStateVector,
  encodeStateAsUpdate,
  encodeStateVector,
  mergeUpdates,
  splitUpdate,
  type UpdateListener,
} from '@accord/core';
import { decodeUpdate } from '@accord/core/protocol';
import type { DocSync } from './doc-sync.js';

/** Whether an update carries nothing: no structs and no deletions. */
function isEmptyUpdate(update: Uint8Array): boolean {
  const decoded = decodeUpdate(update);
  return decoded.records.length === 0 && decoded.deletes.size === 0;
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
      // Every struct advances the state vector, so an empty one means an empty document.
      if (decodeStateVector(encodeStateVector(doc)).size === 0) return undefined;
      return encodeStateAsUpdate(doc);
    },
    apply: (update, origin) => applyUpdate(doc, update, origin),
    merge: (updates) => mergeUpdates(updates),
    split: (update, maxBytes) => splitUpdate(update, maxBytes),
    onUpdate: (listener) => {
      const fn: UpdateListener = (update, origin) => listener(update, origin);
      doc.on('update', fn);
      return () => doc.off('update', fn);
    },
  };
}
