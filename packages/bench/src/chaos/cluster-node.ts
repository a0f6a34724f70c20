/**
 * A relay node process for the chaos harness: the `accord-relay` flags, with the cluster layer
 * (ClusterReplicator over TCP peer links) wired in when `--peers` is given. Peer links are routed
 * with `ACCORD_PEER_PORT` / `ACCORD_PEER_LINKS` (see `clusterReplicatorFromConfig`). Logs JSON
 * lines on stdout; the harness reads `election became-leader` lines from them.
 */
import { clusterReplicatorFromConfig, coreEngine, loadConfig, startRelayNode } from '@accord/sync-server';

const config = loadConfig(process.argv.slice(2), process.env);
const node = await startRelayNode(config, {
  engine: coreEngine,
  ...(config.peers.length > 0 ? { replicator: (c) => clusterReplicatorFromConfig(c) } : {}),
});
process.stdout.write(`${JSON.stringify({ msg: 'chaos-node-ready', port: node.port })}\n`);
const stop = () => {
  node.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
