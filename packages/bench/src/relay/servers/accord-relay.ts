/**
 * Starts Accord relay nodes (`accord-relay`, the built `@accord/sync-server` CLI) as child
 * processes on free loopback ports, `--auth none`, logs at `warn`, SQLite under the data dir,
 * durability at the relay's default (`--sync full`). With several nodes each gets the others
 * as `--peers`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ChildServer, startChildServer } from './child-server.js';

/** The cluster secret of a benchmark cluster (loopback only, made for the run's processes). */
const BENCH_CLUSTER_SECRET = randomBytes(24).toString('base64url');

/**
 * Path of the built relay CLI (through this package's dependency link), or `BENCH_RELAY_MAIN`
 * when set (another build's `main.js`, e.g. a saved copy of `dist` to compare two builds in
 * alternating runs).
 */
export function accordRelayMain(): string {
  const override = process.env.BENCH_RELAY_MAIN;
  if (override !== undefined && override !== '') return override;
  return fileURLToPath(new URL('../../../node_modules/@accord/sync-server/dist/main.js', import.meta.url));
}

/** Whether the relay CLI has been built. */
export function accordRelayAvailable(): boolean {
  return existsSync(accordRelayMain());
}

/** A free TCP port on 127.0.0.1 (bound and released; good enough on a quiet loopback). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A free client port whose peer-link port (the relay's default: client port + 1000) is free too.
 */
export async function freeNodePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const p = await freePort();
    if (p + 1000 > 65535) continue;
    const ok = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(p + 1000, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (ok) return p;
  }
  throw new Error('no free port pair (client, client + 1000) found');
}

/**
 * Starts `nodes` relay processes and waits until each answers `/healthz`. With several nodes,
 * each gets the others' client addresses as `--peers` (peer links on client port + 1000).
 * @throws Error when a node does not come up (its stderr is in the message).
 */
export async function startAccordRelays(
  dataDir: string,
  nodes: number,
  extraArgs: readonly string[] = [],
): Promise<ChildServer[]> {
  const main = accordRelayMain();
  const ports: number[] = [];
  for (let i = 0; i < nodes; i++) ports.push(nodes > 1 ? await freeNodePort() : await freePort());
  const started: ChildServer[] = [];
  try {
    const all = await Promise.all(
      ports.map((port, i) => {
        const id = i + 1;
        const peers = ports
          .map((p, j) => ({ id: j + 1, p }))
          .filter((x) => x.id !== id)
          .map((x) => `${x.id}@127.0.0.1:${x.p}`)
          .join(',');
        const args = [
          main,
          '--id',
          String(id),
          '--port',
          String(port),
          '--data',
          join(dataDir, `node-${id}`),
          '--auth',
          'none',
          '--log-level',
          'warn',
          ...(peers !== '' ? ['--peers', peers, '--cluster-secret', BENCH_CLUSTER_SECRET] : []),
          ...extraArgs,
        ];
        return startChildServer(args, { kind: 'http', port, path: '/healthz' }).then((s) => {
          started.push(s);
          return s;
        });
      }),
    );
    return all;
  } catch (err) {
    await Promise.all(started.map((s) => s.stop()));
    throw err;
  }
}
