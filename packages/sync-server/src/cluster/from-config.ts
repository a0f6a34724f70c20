/**
 * Build a {@link ClusterReplicator} from a relay's configuration. Peer links use their own TCP
 * port: by default the client port + 1000 on every node (so `--peers 1@127.0.0.1:4001` means
 * peer links to 127.0.0.1:5001). `ACCORD_PEER_PORT` overrides this node's peer port and
 * `ACCORD_PEER_LINKS` (`id@host:port,...`) where to dial each peer, which is how the chaos
 * harness routes every link through its proxies.
 */
import { type PeerAddress, parsePeers, type RelayConfig } from '../config.js';
import { ClusterReplicator } from './cluster-replicator.js';

/** Offset from a node's client port to its default peer-link port. */
export const PEER_PORT_OFFSET = 1000;

/**
 * The replicator for `config`: a {@link ClusterReplicator} over `config.peers`. Throws
 * `ConfigError` when `ACCORD_PEER_LINKS` is malformed or does not name exactly the peers.
 */
export function clusterReplicatorFromConfig(
  config: RelayConfig,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ClusterReplicator {
  const links: readonly PeerAddress[] =
    env.ACCORD_PEER_LINKS !== undefined && env.ACCORD_PEER_LINKS !== ''
      ? parsePeers(env.ACCORD_PEER_LINKS)
      : config.peers.map((p) => ({ ...p, port: p.port + PEER_PORT_OFFSET }));
  const want = config.peers.map((p) => p.id).sort((a, b) => a - b);
  const got = links.map((p) => p.id).sort((a, b) => a - b);
  if (JSON.stringify(want) !== JSON.stringify(got)) {
    throw new RangeError(`ACCORD_PEER_LINKS names nodes ${got.join(',')}, --peers names ${want.join(',')}`);
  }
  const peerPort =
    env.ACCORD_PEER_PORT !== undefined ? Number(env.ACCORD_PEER_PORT) : config.port + PEER_PORT_OFFSET;
  if (!Number.isSafeInteger(peerPort) || peerPort < 0 || peerPort > 65535) {
    throw new RangeError(`bad peer port ${env.ACCORD_PEER_PORT}`);
  }
  return new ClusterReplicator({
    nodeId: config.id,
    listenHost: config.host,
    peerPort,
    peers: links.map((p) => ({ id: p.id, host: p.host, port: p.port })),
    w: config.writeQuorum,
    r: config.readQuorum,
    heartbeatMs: config.heartbeatMs,
    electionTimeoutMs: config.electionTimeoutMs,
    snapshotEveryUpdates: config.snapshotEvery,
    snapshotIdleMs: config.snapshotIdleMs,
    coalesceMs: config.writeCoalesceMs,
  });
}
