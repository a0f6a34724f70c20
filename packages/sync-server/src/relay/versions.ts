/**
 * The version history a client can browse: answers `list-versions` and `get-version` from the
 * versions this node keeps (numbered snapshots, see `storage/sqlite-store.ts` `putVersion`).
 * Any joined session may ask, read-only ones included: reading old states of a document is
 * reading the document.
 */
import type { GetVersionMessage, ListVersionsMessage, ServerMessage } from '@accord/core/protocol';
import type { SqliteStore } from '../storage/sqlite-store.js';

const EMPTY = new Uint8Array(0);

/** The answer to a version request about `docId`. */
export function answerVersionRequest(
  store: SqliteStore,
  docId: string,
  msg: ListVersionsMessage | GetVersionMessage,
): ServerMessage {
  if (msg.type === 'list-versions')
    return { type: 'versions', id: msg.id, versions: store.listVersions(docId) };
  const v = store.getVersion(docId, msg.term, msg.seq);
  return {
    type: 'version',
    id: msg.id,
    term: msg.term,
    seq: msg.seq,
    found: v !== null,
    at: v?.at ?? 0,
    update: v?.data ?? EMPTY,
  };
}
