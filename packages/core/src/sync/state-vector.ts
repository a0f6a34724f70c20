/**
 * The state vector of a document: for each replica, how many of its clocks the document holds.
 * Its byte form is in `format/state-vector.ts`.
 */
import type { Doc } from '../doc/doc.js';
import { encodeStateVectorMap } from '../format/state-vector.js';

/** The state vector of `doc` as a map `replica id -> next clock`. */
export function stateVectorOf(doc: Doc): Map<number, number> {
  const sv = new Map<number, number>();
  for (const [ci, runs] of doc.store.clients)
    if (runs.next > 0) sv.set(doc.clientIds[ci] as number, runs.next);
  return sv;
}

/**
 * The binary state vector of `doc`: what it holds, for a peer to compute the diff it lacks.
 * Concurrent edits only ever grow it.
 */
export function encodeStateVector(doc: Doc): Uint8Array {
  return encodeStateVectorMap(stateVectorOf(doc));
}
