/**
 * Snapshot numbers: `(term, seq)`, where `term` is the election term of the leader that issued
 * the snapshot and `seq` counts a document's snapshots across the whole cluster (1, 2, 3, ...).
 * Numbers are ordered by term, then seq.
 */
import type { NodeId } from '../election/types.js';

/** The number of one snapshot of one document. */
export interface SnapshotNumber {
  term: number;
  seq: number;
}

/** Negative, zero or positive as `a` is before, equal to or after `b` (term first, then seq). */
export function compareSnapshotNumbers(a: SnapshotNumber, b: SnapshotNumber): number {
  return a.term !== b.term ? a.term - b.term : a.seq - b.seq;
}

/**
 * The metadata key under which a node durably keeps the highest snapshot number of `docId` (a
 * lone node's `LocalSnapshots` and a cluster node's snapshot replication alike).
 */
export const snapshotMetaKey = (docId: string): string => `cluster.snapshot:${docId}`;

/** The later of two numbers, treating `null` as "no snapshot yet". */
export function maxSnapshotNumber(a: SnapshotNumber | null, b: SnapshotNumber | null): SnapshotNumber | null {
  if (a === null) return b;
  if (b === null) return a;
  return compareSnapshotNumbers(a, b) >= 0 ? a : b;
}

/** A snapshot as announced by the leader: its number, issuer and the state vector it covers. */
export interface SnapshotHeader {
  docId: string;
  number: SnapshotNumber;
  leader: NodeId;
  /** Encoded state vector (`encodeStateVector`) of the state the snapshot holds. */
  stateVector: Uint8Array;
}
