/** The `cluster` message a relay sends its clients, built from its replicator's view. */
import { encodeMessage } from '@accord/core/protocol';
import type { Replicator } from './replicator.js';

/** Encode the cluster status for a client of `docId` (leader, term, successors, snapshot number). */
export function clusterFrame(replicator: Replicator, docId: string): Uint8Array {
  const st = replicator.status();
  const snap = replicator.snapshotOf(docId);
  return encodeMessage({
    type: 'cluster',
    nodeId: st.nodeId,
    leaderId: st.leaderId,
    term: st.term,
    successors: st.successors,
    snapshotTerm: snap.term,
    snapshotSeq: snap.seq,
  });
}
