/**
 * Real relay nodes for integration tests: `packages/sync-server/dist/main.js` (built by
 * `pnpm build`, which CI runs before the tests) spawned as child processes on free 127.0.0.1
 * ports with temporary data directories, killed with real signals.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The cluster secret the test clusters' nodes share. */
const TEST_CLUSTER_SECRET = 'client-test-cluster-secret-0123';

const here = dirname(fileURLToPath(import.meta.url));
/** The relay CLI entry point. */
export const RELAY_MAIN = resolve(here, '../../../../sync-server/dist/main.js');

/** Whether the relay has been built (integration tests need `pnpm build` first). */
export function relayBuilt(): boolean {
  return existsSync(RELAY_MAIN);
}

/** Every child ever spawned here: killed when the test process exits, whatever happened. */
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** Ports already handed out by {@link freePort} in this process (never handed out twice). */
const handedOut = new Set<number>();

/**
 * A free TCP port on 127.0.0.1 (bound, then released), below Linux's default ephemeral range
 * (32768–60999): a port in that range can become the source port of some outgoing connection
 * (a relay dialling its peers, another test's client) before the relay binds it.
 */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = 10_000 + Math.floor(Math.random() * 21_000);
    if (handedOut.has(port)) continue;
    const ok = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (ok) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('no free port found below the ephemeral range');
}

/** A temporary data directory, removed by {@link RelayProcess.cleanup}. */
export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'accord-client-it-'));
}

/** Options of one node. */
export interface RelaySpec {
  readonly id: number;
  readonly port: number;
  readonly dataDir: string;
  /** `id@127.0.0.1:port` of the other nodes, for a cluster. */
  readonly peers?: readonly string[];
  readonly extraArgs?: readonly string[];
  /** Require HMAC tokens signed with this secret (default: `--auth none`). */
  readonly authSecret?: string;
  /** Extra environment (e.g. `ACCORD_PEER_PORT`, `ACCORD_PEER_LINKS` for cluster peer links). */
  readonly env?: Readonly<Record<string, string>>;
}

/** One relay node process. */
export class RelayProcess {
  private child: ChildProcess | undefined;
  private output = '';

  private constructor(readonly spec: RelaySpec) {}

  /** Start a node and wait until `/healthz` answers. */
  static async start(spec: RelaySpec, timeoutMs = 10_000): Promise<RelayProcess> {
    const node = new RelayProcess(spec);
    await node.start(timeoutMs);
    return node;
  }

  /** The client WebSocket URL. */
  get url(): string {
    return `ws://127.0.0.1:${this.spec.port}`;
  }

  /** Whether the process is running. */
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Everything the process printed (for failure messages). */
  get log(): string {
    return this.output;
  }

  /** (Re)start the process and wait for health. */
  async start(timeoutMs = 10_000): Promise<void> {
    const args = [
      RELAY_MAIN,
      '--id',
      String(this.spec.id),
      '--port',
      String(this.spec.port),
      '--host',
      '127.0.0.1',
      '--data',
      this.spec.dataDir,
      ...(this.spec.authSecret === undefined ? ['--auth', 'none'] : ['--auth-secret', this.spec.authSecret]),
      '--log-level',
      'warn',
      ...(this.spec.peers && this.spec.peers.length > 0
        ? ['--peers', this.spec.peers.join(','), '--cluster-secret', TEST_CLUSTER_SECRET]
        : []),
      ...(this.spec.extraArgs ?? []),
    ];
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...(this.spec.env ?? {}) },
    });
    this.child = child;
    children.add(child);
    child.once('exit', () => children.delete(child));
    child.stdout?.on('data', (d: Buffer) => {
      this.output += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      this.output += d.toString();
    });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`relay ${this.spec.id} exited during startup:\n${this.output}`);
      if (await healthy(this.spec.port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    await this.kill('SIGKILL');
    throw new Error(`relay ${this.spec.id} not healthy within ${timeoutMs} ms:\n${this.output}`);
  }

  /** Send `signal` and wait for the process to exit (SIGKILL: kill -9). */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (child === undefined || !this.running) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill(signal);
    await exited;
  }

  /** SIGSTOP: the process freezes; its TCP connections stay open but nothing answers. */
  pause(): void {
    if (this.running) this.child?.kill('SIGSTOP');
  }

  /** SIGCONT: a paused process resumes. */
  resume(): void {
    if (this.running) this.child?.kill('SIGCONT');
  }

  /** Kill the process (if running) and remove its data directory. */
  async cleanup(): Promise<void> {
    this.resume();
    await this.kill('SIGKILL');
    rmSync(this.spec.dataDir, { recursive: true, force: true });
  }
}

async function healthy(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(500) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
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
      RelayProcess.start({
        id: self.id,
        port: self.port,
        dataDir: tempDataDir(),
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
    await Promise.all(ok.map((n) => n.cleanup()));
    throw failed.reason;
  }
  return ok;
}
