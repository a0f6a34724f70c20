/**
 * Read what a node holds durably: open its SQLite file (after the process is gone), rebuild the
 * document from the stored snapshot and log, and list the chaos keys in it. This checks each
 * node's own storage, which a read through the node (merged from R nodes) could not.
 */
import { applyUpdate, Doc } from '@accord/core';
import { SqliteStore } from '@accord/sync-server';

/** Keys of the chaos map in `docId` as stored by node `nodeId` under `dir`. */
export function readDiskKeys(dir: string, nodeId: number, docId: string): Set<string> {
  const store = SqliteStore.open({ dir, nodeId });
  try {
    const stored = store.load(docId);
    const doc = new Doc();
    if (stored.snapshot !== null) applyUpdate(doc, stored.snapshot);
    for (const u of stored.updates) applyUpdate(doc, u);
    return new Set(Object.keys(doc.getMap('chaos').toJSON() as object));
  } finally {
    store.close();
  }
}
