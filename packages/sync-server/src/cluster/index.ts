export {
  CLUSTER_PROTOCOL_VERSION,
  type ClusterCodecLimits,
  DEFAULT_CLUSTER_LIMITS,
  decodeClusterMessage,
  encodeClusterMessage,
} from './codec.js';
export type * from './messages.js';
export {
  type QuorumSizes,
  resolveQuorum,
  type WriteQuorumOptions,
  WriteQuorumTracker,
} from './quorum.js';
