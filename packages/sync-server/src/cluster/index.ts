export { ClusterReplicator } from './cluster-replicator.js';
export type { ClusterReplicatorOptions } from './cluster-replicator-options.js';
export { clusterReplicatorFromConfig, PEER_PORT_OFFSET, peerTlsFromConfig } from './from-config.js';
export type * from './messages.js';
export {
  type ClusterKey,
  deriveClusterKey,
  MIN_CLUSTER_SECRET_LENGTH,
  RecordOpener,
  RecordSealer,
} from './peer-auth.js';
export {
  CLUSTER_PROTOCOL_VERSION,
  type ClusterCodecLimits,
  DEFAULT_CLUSTER_LIMITS,
  decodeClusterMessage,
  encodeClusterMessage,
  MAX_SNAPSHOT_SEQ,
} from './peer-codec.js';
export {
  type DialHandlers,
  type DialOptions,
  dialPeer,
  type PeerTlsOptions,
  RecordWriter,
} from './peer-dialer.js';
export {
  DialerHandshake,
  decodeHandshake,
  encodeHandshake,
  type HandshakeFailure,
  type HandshakeMessage,
  ListenerHandshake,
  PEER_LINK_VERSION,
} from './peer-handshake.js';
export { type PeerLinkAddress, type PeerLinkFault, PeerLinks, type PeerLinksOptions } from './peer-links.js';
export {
  type QuorumSizes,
  resolveQuorum,
  type WriteQuorumOptions,
  WriteQuorumTracker,
} from './quorum.js';
