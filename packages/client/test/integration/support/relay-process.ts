/**
 * Real relay nodes for the client's integration and Chromium tests, on the shared launcher of
 * `@accord/sync-server/testing` (`packages/sync-server/dist/main.js`, built by `pnpm build`, as
 * child processes on free 127.0.0.1 ports with temporary data directories, killed with real
 * signals). This file only says which flags the client's tests run their nodes with.
 */
import { execFileSync } from 'node:child_process';
import { freePort, RELAY_MAIN, RelayProcess } from '@accord/sync-server/testing';

export { freePort, RELAY_MAIN, RelayProcess, relayBuilt } from '@accord/sync-server/testing';

/** The cluster secret the test clusters' nodes share. */
const TEST_CLUSTER_SECRET = 'client-test-cluster-secret-0123';

/** Options of one node (its data goes to a temporary directory that `cleanup()` removes). */
export interface RelaySpec {
  readonly id: number;
  readonly port: number;
  /** `id@127.0.0.1:port` of the other nodes, for a cluster. */
  readonly peers?: readonly string[];
  readonly extraArgs?: readonly string[];
  /** Require HMAC tokens signed with this secret (default: `--auth none`). */
  readonly authSecret?: string;
  /** Extra environment (e.g. `ACCORD_PEER_PORT`, `ACCORD_PEER_LINKS` for cluster peer links). */
  readonly env?: Readonly<Record<string, string>>;
}

/** Start a node (logging at `warn`) and wait until `/healthz` answers. */
export function startRelay(spec: RelaySpec, startTimeoutMs = 10_000): Promise<RelayProcess> {
  return RelayProcess.start({
    port: spec.port,
    startTimeoutMs,
    args: [
      '--id',
      String(spec.id),
      ...(spec.authSecret === undefined ? ['--auth', 'none'] : ['--auth-secret', spec.authSecret]),
      '--log-level',
      'warn',
      ...(spec.peers && spec.peers.length > 0
        ? ['--peers', spec.peers.join(','), '--cluster-secret', TEST_CLUSTER_SECRET]
        : []),
      ...(spec.extraArgs ?? []),
    ],
    ...(spec.env === undefined ? {} : { env: spec.env }),
  });
}

/** Mint a token with the relay CLI (`accord-relay token`); a negative `ttl` mints an expired one. */
export function mintToken(secret: string, docId: string, scope: 'read' | 'write', ttlSeconds = 3600): string {
  return execFileSync(
    process.execPath,
    [
      RELAY_MAIN,
      'token',
      '--doc',
      docId,
      '--scope',
      scope,
      '--ttl',
      String(ttlSeconds),
      '--auth-secret',
      secret,
    ],
    { encoding: 'utf8' },
  ).trim();
}

/**
 * Start an N-node cluster on free ports: each node gets a client port and a peer-link port
 * (`ACCORD_PEER_PORT`, with `ACCORD_PEER_LINKS` naming the others'), all on 127.0.0.1.
 */
export async function startCluster(n: number): Promise<RelayProcess[]> {
  const nodes: { id: number; port: number; peerPort: number }[] = [];
  for (let i = 1; i <= n; i++) nodes.push({ id: i, port: await freePort(), peerPort: await freePort() });
  const started = await Promise.allSettled(
    nodes.map((self) =>
      startRelay({
        id: self.id,
        port: self.port,
        peers: nodes.filter((o) => o.id !== self.id).map((o) => `${o.id}@127.0.0.1:${o.port}`),
        env: {
          ACCORD_PEER_PORT: String(self.peerPort),
          ACCORD_PEER_LINKS: nodes
            .filter((o) => o.id !== self.id)
            .map((o) => `${o.id}@127.0.0.1:${o.peerPort}`)
            .join(','),
        },
      }),
    ),
  );
  const ok = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed !== undefined) {
    await Promise.all(ok.map((node) => node.cleanup()));
    throw failed.reason;
  }
  return ok;
}
