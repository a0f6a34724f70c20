/**
 * Who a cluster node works with, resolved once from its options: every member by id, the
 * witness replicas (`--witness`), the full peers (every peer but the witnesses), the quorum
 * sizes ({@link resolveWitnessQuorum}), and whether a join's read counts the witnesses' answers.
 */
import type { NodeId } from '../election/types.js';
import type { ClusterReplicatorOptions } from './cluster-replicator-options.js';
import { readAcrossWitnesses, resolveWitnessQuorum, type WitnessQuorum } from './witness-quorum.js';

/** A node's cluster: its members, witnesses, full peers and quorum sizes. */
export interface ClusterMembership {
  /** Every member, this node included, in ascending id order. */
  readonly members: NodeId[];
  /** The members that are witness replicas. */
  readonly witnesses: ReadonlySet<NodeId>;
  /** Peers that keep documents (every peer but the witnesses): reads and catch-up go to them. */
  readonly fullPeers: NodeId[];
  /** The write and read quorums, and when a witness drops an update. */
  readonly quorum: WitnessQuorum;
  /** Whether (and how) joins read through the witnesses too; null: full replicas only. */
  readonly readsAcross: { nodes: number } | null;
}

/**
 * Resolve a node's membership from its options. Throws `RangeError` for a witness that is not a
 * member or quorum sizes that cannot hold (see {@link resolveWitnessQuorum}).
 */
export function resolveMembership(
  options: Pick<ClusterReplicatorOptions, 'nodeId' | 'peers' | 'witnesses' | 'w' | 'r'>,
): ClusterMembership {
  const members = [options.nodeId, ...options.peers.map((p) => p.id)].sort((a, b) => a - b);
  const witnesses = new Set(options.witnesses ?? []);
  for (const w of witnesses)
    if (!members.includes(w)) throw new RangeError(`witness ${w} is not a cluster member`);
  const fullPeers = options.peers.map((p) => p.id).filter((p) => !witnesses.has(p));
  const quorum = resolveWitnessQuorum(
    members.length,
    witnesses.size,
    options.w ?? undefined,
    options.r ?? undefined,
  );
  // An explicit --read-quorum keeps its meaning: that many full replicas.
  const readsAcross = options.r === undefined || options.r === null ? readAcrossWitnesses(quorum) : null;
  return { members, witnesses, fullPeers, quorum, readsAcross };
}
