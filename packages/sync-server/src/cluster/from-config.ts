/**
 * Build a {@link ClusterReplicator} from a relay's configuration. Peer links use their own
 * listener: `--peer-host` (default 127.0.0.1) and `--peer-port` (default the client port + 1000
 * on every node, so `--peers 1@127.0.0.1:4001` means peer links to 127.0.0.1:5001). Every link
 * proves `--cluster-secret` before anything else is read, and uses TLS when `--tls-cert` and
 * `--tls-key` are set. `ACCORD_PEER_LINKS` (`id@host:port,...`) says where to dial each peer
 * instead, which is how the chaos harness routes every link through its proxies.
 */
import { ConfigError, PEER_PORT_OFFSET, type PeerAddress, parsePeers, type RelayConfig } from '../config.js';
import { tlsFromConfig } from '../tls-files.js';
import { ClusterReplicator } from './cluster-replicator.js';
import type { PeerTlsOptions } from './peer-links.js';

export { PEER_PORT_OFFSET } from '../config.js';

/** The TLS files of `config` for peer links, read, or `null` when TLS is off (see `tlsFromConfig`). */
export function peerTlsFromConfig(config: RelayConfig): PeerTlsOptions | null {
  return tlsFromConfig(config);
}

/**
 * The replicator for `config`: a {@link ClusterReplicator} over `config.peers`. Throws
 * `ConfigError` when `ACCORD_PEER_LINKS` is malformed or does not name exactly the peers, when
 * no cluster secret is set, or when a TLS file cannot be read.
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
    throw new ConfigError(`ACCORD_PEER_LINKS names nodes ${got.join(',')}, --peers names ${want.join(',')}`);
  }
  if (config.clusterSecret === null) {
    throw new ConfigError('a cluster needs --cluster-secret (or ACCORD_CLUSTER_SECRET)');
  }
  return new ClusterReplicator({
    nodeId: config.id,
    listenHost: config.peerHost,
    peerPort: config.peerPort,
    peers: links.map((p) => ({ id: p.id, host: p.host, port: p.port })),
    clusterSecret: config.clusterSecret,
    tls: peerTlsFromConfig(config),
    w: config.writeQuorum,
    r: config.readQuorum,
    heartbeatMs: config.heartbeatMs,
    electionTimeoutMs: config.electionTimeoutMs,
    ...(config.leasePromiseMs !== null ? { leasePromiseMs: config.leasePromiseMs } : {}),
    election: config.election,
    candidates: config.candidates,
    replicateTimeoutMs: config.writeTimeoutMs,
    snapshotEveryUpdates: config.snapshotEvery,
    snapshotIdleMs: config.snapshotIdleMs,
    keepSnapshots: config.keepSnapshots,
    coalesceMs: config.writeCoalesceMs,
    witnesses: config.witnesses,
  });
}
