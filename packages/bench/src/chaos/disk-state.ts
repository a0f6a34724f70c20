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

/**
 * The snapshot numbers (`seq`) of `docId` that node `nodeId` stored as versions under `dir`. A
 * node killed with SIGKILL can lose the last lines of its log (written asynchronously), never
 * what it committed to SQLite: the snapshot-order checker counts these as stored too.
 */
export function readDiskSnapshotSeqs(dir: string, nodeId: number, docId: string): number[] {
  const store = SqliteStore.open({ dir, nodeId });
  try {
    return store.listVersions(docId).map((v) => v.seq);
  } finally {
    store.close();
  }
}
