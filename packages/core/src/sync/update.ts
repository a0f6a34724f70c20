/**
 * `encodeStateAsUpdate`: everything a document holds, or the part a peer lacks.
 */
import type { Doc } from '../doc/doc.js';
import { decodeStateVector } from '../format/state-vector.js';
import { encodeGroups, encodeUpdate } from '../format/update-codec.js';
import { diffRecords, snapshotGroups } from './snapshot.js';

/**
 * Without `stateVector`: the compact full snapshot of `doc` (every container in document order,
 * deleted text as lengths only), which loads into an empty document without replaying history.
 * With a state vector (bytes from `encodeStateVector` or a decoded map): only what a peer with
 * that state lacks, plus all deletions. Updates held for missing dependencies are not included.
 * @throws {DecodeError} if `stateVector` bytes are malformed.
 */
export function encodeStateAsUpdate(doc: Doc, stateVector?: Uint8Array | Map<number, number>): Uint8Array {
  if (stateVector === undefined) return encodeGroups(snapshotGroups(doc), new Map(), true);
  const sv = stateVector instanceof Uint8Array ? decodeStateVector(stateVector) : stateVector;
  if (sv.size === 0) return encodeGroups(snapshotGroups(doc), new Map(), true);
  return encodeUpdate(diffRecords(doc, sv));
}
