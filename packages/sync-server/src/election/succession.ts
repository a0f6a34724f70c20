/**
 * Next-in-line succession, as pure functions: the order a leader publishes (its reachable
 * followers, highest rank first) and the nodes a follower defers to when the leader is gone.
 */
import type { NodeId } from './types.js';

/** When each peer last acknowledged the leader (ms), for {@link successionOrder}. */
export type AckTimes = ReadonlyMap<NodeId, number>;

function fresh(acks: AckTimes, peer: NodeId, now: number, leaseMs: number): boolean {
  return now - (acks.get(peer) ?? Number.NEGATIVE_INFINITY) <= leaseMs;
}

/**
 * A leader's order of succession: the peers that acknowledged it within `leaseMs` and are not
 * `suspected` (their link went down), highest rank first.
 */
export function successionOrder(
  peers: readonly NodeId[],
  acks: AckTimes,
  suspected: ReadonlySet<NodeId>,
  now: number,
  leaseMs: number,
): NodeId[] {
  return peers.filter((p) => !suspected.has(p) && fresh(acks, p, now, leaseMs)).sort((a, b) => b - a);
}

/** How many nodes (the leader included) acknowledged the leader within `leaseMs`. */
export function freshCount(peers: readonly NodeId[], acks: AckTimes, now: number, leaseMs: number): number {
  return 1 + peers.filter((p) => fresh(acks, p, now, leaseMs)).length;
}

/**
 * The nodes node `id` defers to: those before it in the leader's `successors` list (the whole
 * list when it is not on it), or every higher-ranked peer when it knows no list; minus the nodes
 * `excluded` (already deferred to in vain, or suspected).
 */
export function aheadOf(
  id: NodeId,
  successors: readonly NodeId[],
  peers: readonly NodeId[],
  excluded: (peer: NodeId) => boolean,
): NodeId[] {
  const me = successors.indexOf(id);
  const ahead =
    successors.length === 0 ? peers.filter((p) => p > id) : me >= 0 ? successors.slice(0, me) : successors;
  return ahead.filter((p) => !excluded(p));
}
