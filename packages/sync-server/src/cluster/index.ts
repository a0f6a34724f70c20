export { ClusterReplicator, type ClusterReplicatorOptions } from './cluster-replicator.js';
export {
  CLUSTER_PROTOCOL_VERSION,
  type ClusterCodecLimits,
  DEFAULT_CLUSTER_LIMITS,
  decodeClusterMessage,
  encodeClusterMessage,
} from './codec.js';
export { clusterReplicatorFromConfig, PEER_PORT_OFFSET } from './from-config.js';
export type * from './messages.js';
export { type PeerLinkAddress, PeerLinks, type PeerLinksOptions } from './peer-links.js';
export {
  type QuorumSizes,
  resolveQuorum,
  type WriteQuorumOptions,
  WriteQuorumTracker,
} from './quorum.js';
