/**
 * A follower taking in its leader's snapshot. The snapshot is the leader's whole document, so it
 * may hold writes this node has not taken in through their authors' forwards. With three full
 * replicas such a write is either the leader's own (forwarded to this node before the snapshot,
 * links being FIFO) or the third node's (which holds it), so no peer can lack it. With four or
 * more, it may be a fourth node's write that a third has not received yet: this node would then
 * forward its clients' later writes with a frontier that does not name it, and the third node
 * could show one of them before the write it followed. So there the document is marked untracked
 * (its next forward to each peer asks for a pull first, see `causal-forwarding.ts`) before a
 * snapshot that brings anything this node lacks is taken in.
 */
import { coversVector, DecodeError, decodeStateVector } from '@accord/core/protocol';
import type { ReplicaHost } from '../relay/replicator.js';
import type { SnapshotAnnounceMessage } from './messages.js';

/**
 * Take in `m`'s snapshot (best effort, as a forward's update is). `untracked` (absent with fewer
 * than four full replicas) marks a document before a snapshot that this node's state vector does
 * not cover is applied; a state vector that cannot be read or compared marks it too.
 */
export function ingestSnapshot(
  host: ReplicaHost,
  m: SnapshotAnnounceMessage,
  untracked: ((docId: string) => void) | undefined,
): void {
  const ingest = () => host.ingest(m.docId, m.snapshot);
  if (untracked === undefined) {
    ingest().catch(() => {});
    return;
  }
  host
    .stateVector(m.docId)
    .then((own) => {
      if (!covers(own, m.stateVector)) untracked(m.docId);
    })
    .catch(() => untracked(m.docId))
    .then(ingest)
    .catch(() => {});
}

/** Whether the state vector `own` covers `theirs` (bad bytes: false). */
function covers(own: Uint8Array, theirs: Uint8Array): boolean {
  try {
    return coversVector(decodeStateVector(own), decodeStateVector(theirs));
  } catch (e) {
    if (e instanceof DecodeError) return false;
    throw e;
  }
}
