/**
 * Read what a node holds durably: open its SQLite file (after the process is gone), rebuild the
 * document from the stored snapshot and log, and list the chaos keys in it. This checks each
 * node's own storage, which a read through the node (merged from R nodes) could not.
 */
import { applyUpdate, Doc } from '@accord/core';
import { SqliteStore } from '@accord/sync-server';

/**
 * What node `nodeId` holds of `docId` under `dir`: the chaos map's keys (its snapshot and log
 * replayed) and the snapshot numbers (`seq`) it stored as versions. A node killed with SIGKILL
 * can lose the last lines of its log (written asynchronously), never what it committed to
 * SQLite: the snapshot-order checker counts these numbers as stored too.
 */
export function readDiskState(
  dir: string,
  nodeId: number,
  docId: string,
): { keys: Set<string>; snapshotSeqs: number[] } {
  const store = SqliteStore.open({ dir, nodeId });
  try {
    const stored = store.load(docId);
    const doc = new Doc();
    if (stored.snapshot !== null) applyUpdate(doc, stored.snapshot);
    for (const u of stored.updates) applyUpdate(doc, u);
    return {
      keys: new Set(Object.keys(doc.getMap('chaos').toJSON() as object)),
      snapshotSeqs: store.listVersions(docId).map((v) => v.seq),
    };
  } finally {
    store.close();
  }
}
