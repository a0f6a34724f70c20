/**
 * What a join's quorum read brought: an answer that holds nothing (the usual case: the peer's
 * difference from a node that is not behind) changes nothing this node's causal forwarding must
 * know of.
 */
import { decodeUpdate } from '@accord/core/protocol';

/**
 * Whether a read's answer may hold anything: an update with a record or a deletion, or bytes that
 * do not decode (nothing is assumed of those).
 */
export function holdsSomething(update: Uint8Array): boolean {
  try {
    const u = decodeUpdate(update);
    return u.records.length > 0 || u.deletes.size > 0;
  } catch {
    return true;
  }
}
