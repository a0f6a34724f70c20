/**
 * Session vectors: what one client session has read from the relays or had acknowledged, as a
 * state vector. A relay node that serves the session must hold at least that much before it
 * answers (read-your-writes and monotonic reads across failover); `welcome.session` says whether
 * it did. Pure functions over state vectors and update bytes.
 */

import { decodeStateVector } from '../format/state-vector.js';
import { decodeUpdate } from '../format/update-codec.js';

/**
 * The lowest clock per replica that `update` holds a struct of: where its runs start. A document
 * missing the update lacks at least the ids from there on.
 * @throws {DecodeError} if the update is malformed.
 */
export function updateStarts(update: Uint8Array): Map<number, number> {
  const starts = new Map<number, number>();
  for (const r of decodeUpdate(update).records) {
    const s = starts.get(r.client);
    if (s === undefined || r.clock < s) starts.set(r.client, r.clock);
  }
  return starts;
}

/**
 * A session's vector: the document's state vector `stateVector` without what its unacknowledged
 * updates `pending` hold. For each replica a pending update has runs of, the entry is cut back
 * to where the first of them starts, so the vector never names an id that no relay may have.
 * Returns the vector decoded (`encodeStateVectorMap` gives its bytes).
 * @throws {DecodeError} if the state vector or a pending update is malformed.
 */
export function sessionVectorOf(stateVector: Uint8Array, pending: Iterable<Uint8Array>): Map<number, number> {
  const sv = decodeStateVector(stateVector);
  for (const update of pending)
    for (const [client, start] of updateStarts(update)) {
      const have = sv.get(client);
      if (have === undefined || start >= have) continue;
      // Cut back to nothing: the session holds no id of that replica.
      if (start === 0) sv.delete(client);
      else sv.set(client, start);
    }
  return sv;
}

/**
 * Whether a document at `have` holds every id `need` names (for each replica, at least as many
 * clocks). Both are decoded state vectors.
 */
export function coversVector(have: ReadonlyMap<number, number>, need: ReadonlyMap<number, number>): boolean {
  for (const [client, clock] of need) if (clock > 0 && (have.get(client) ?? 0) < clock) return false;
  return true;
}

/**
 * The pointwise maximum of state vectors: what a node holds after taking in every one of them.
 */
export function maxVector(vectors: Iterable<ReadonlyMap<number, number>>): Map<number, number> {
  const out = new Map<number, number>();
  for (const v of vectors)
    for (const [client, clock] of v) if (clock > (out.get(client) ?? 0)) out.set(client, clock);
  return out;
}
