/**
 * Starts and stops a cluster of real `accord-relay` processes on loopback, for `pnpm start`,
 * `pnpm dev` and the browser tests. Each node gets its own data directory and its own log, the
 * others as `--peers`, and `--auth none` (the demo has no login); the nodes share a cluster secret
 * made for this start and passed through the environment (`ACCORD_CLUSTER_SECRET`, never argv,
 * where `ps` would show it), unless the caller's environment sets one. Nodes are real child
 * processes: `kill(id, 'SIGKILL')` is a real kill -9, and `stop()` leaves no orphan behind (nor
 * does an exit of this process without `stop()`: the nodes are killed on `exit`).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';

/**
 * Ask the OS for `count` distinct free TCP ports on `host`.
 * @param {number} count
 * @param {string} [host]
 * @returns {Promise<number[]>}
 */
export async function freePorts(count, host = '127.0.0.1') {
  const servers = [];
  const ports = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise((ok, fail) => {
        server.once('error', fail);
        server.listen(0, host, () => ok(undefined));
      });
      const address = server.address();
      if (typeof address === 'object' && address) ports.push(address.port);
    }
  } finally {
    await Promise.all(servers.map((s) => new Promise((ok) => s.close(() => ok(undefined)))));
  }
  return ports;
}

/**
 * True when something answers HTTP on host:port (any status: the node is listening).
 * @param {string} host @param {number} port @returns {Promise<boolean>}
 */
function answers(host, port) {
  return new Promise((ok) => {
    const req = request({ host, port, path: '/healthz', timeout: 500 }, (res) => {
      res.resume();
      ok(true);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => ok(false));
    req.end();
  });
}

/**
 * Relay flags every demo node gets (before any `extraArgs`, which override them): the leader
 * numbers a snapshot every 50 updates to a document and 2 s after its last update, so the
 * cluster panel's snapshot number advances during an ordinary editing session (the relay's
 * defaults, 1000 updates and no idle trigger, suit servers, not a demo).
 */
export const DEMO_RELAY_ARGS = ['--snapshot-every', '50', '--snapshot-idle', '2000'];

/**
 * Start `ports.length` relay nodes (ids 1..N) and wait until each answers on its port.
 * @param {{
 *   relayMain: string, ports: number[], dataRoot: string, host?: string,
 *   logDir?: string, extraArgs?: string[], readyTimeoutMs?: number, echo?: boolean,
 *   peerPorts?: number[],
 * }} options
 * @returns {Promise<import('./relay-cluster.d.mts').RelayCluster>}
 */
export async function startCluster(options) {
  const { relayMain, ports, dataRoot, host = '127.0.0.1', extraArgs = [], readyTimeoutMs = 15_000 } = options;
  if (options.peerPorts && options.peerPorts.length !== ports.length) {
    throw new Error('startCluster: peerPorts must list one port per node');
  }
  if (!existsSync(relayMain)) {
    throw new Error(
      `The relay CLI is not built: ${relayMain} does not exist. Build it with \`pnpm build\` (tsc -b); ` +
        'if the build succeeds and the file is still missing, packages/sync-server has no CLI yet.',
    );
  }
  const logDir = options.logDir ?? join(dataRoot, 'logs');
  mkdirSync(logDir, { recursive: true });
  /** @type {Map<number, import('./relay-cluster.d.mts').RelayNode>} */
  const nodes = new Map();
  /** @type {Map<number, import('node:child_process').ChildProcess>} */
  const procs = new Map();
  /** @type {Map<number, string[]>} */
  const tails = new Map();
  const ids = ports.map((_, i) => i + 1);
  const clusterSecret = process.env.ACCORD_CLUSTER_SECRET ?? randomBytes(24).toString('base64url');

  /** @param {number} id */
  function args(id) {
    const port = ports[id - 1];
    const peers = ids
      .filter((other) => other !== id)
      .map((other) => `${other}@${host}:${ports[other - 1]}`)
      .join(',');
    const dataDir = join(dataRoot, `node-${id}`);
    mkdirSync(dataDir, { recursive: true });
    const list = ['--id', String(id), '--port', String(port), '--host', host, '--data', dataDir];
    if (peers) list.push('--peers', peers);
    return [...list, '--auth', 'none', ...DEMO_RELAY_ARGS, ...extraArgs];
  }

  /**
   * Environment of node `id`: with explicit `peerPorts`, where it listens for and dials peer
   * links (by default the relay uses each client port + 1000).
   * @param {number} id
   */
  function env(id) {
    /** @type {Record<string, string | undefined>} */
    const vars = { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'production' };
    delete vars.ACCORD_PEER_PORT;
    delete vars.ACCORD_PEER_LINKS;
    vars.ACCORD_CLUSTER_SECRET = clusterSecret;
    const peerPorts = options.peerPorts;
    if (peerPorts) {
      vars.ACCORD_PEER_PORT = String(peerPorts[id - 1]);
      vars.ACCORD_PEER_LINKS = ids
        .filter((other) => other !== id)
        .map((other) => `${other}@${host}:${peerPorts[other - 1]}`)
        .join(',');
    }
    return vars;
  }

  /** @param {number} id @returns {Promise<void>} */
  async function launch(id) {
    const port = /** @type {number} */ (ports[id - 1]);
    const log = createWriteStream(join(logDir, `node-${id}.log`), { flags: 'a' });
    const tail = [];
    tails.set(id, tail);
    const proc = spawn(process.execPath, [relayMain, ...args(id)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: env(id),
    });
    procs.set(id, proc);
    /** @param {Buffer} chunk */
    const record = (chunk) => {
      log.write(chunk);
      if (options.echo) process.stderr.write(chunk);
      tail.push(chunk.toString('utf8'));
      if (tail.length > 40) tail.shift();
    };
    proc.stdout?.on('data', record);
    proc.stderr?.on('data', record);
    proc.once('exit', () => log.end());
    nodes.set(id, {
      id,
      port,
      url: `ws://${host}:${port}`,
      dataDir: join(dataRoot, `node-${id}`),
      pid: proc.pid ?? -1,
    });
    const deadline = Date.now() + readyTimeoutMs;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new Error(
          `relay node ${id} exited (${proc.exitCode ?? proc.signalCode}) on start:\n${tail.join('')}`,
        );
      }
      if (await answers(host, port)) return;
      await new Promise((ok) => setTimeout(ok, 50));
    }
    proc.kill('SIGKILL');
    throw new Error(
      `relay node ${id} did not listen on ${host}:${port} within ${readyTimeoutMs} ms:\n${tail.join('')}`,
    );
  }

  /** @param {number} id @param {NodeJS.Signals} signal @returns {Promise<void>} */
  function signal(id, signal) {
    const proc = procs.get(id);
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
    const exited = new Promise((ok) => proc.once('exit', () => ok(undefined)));
    proc.kill(signal);
    return /** @type {Promise<void>} */ (exited);
  }

  /** @param {number} id @param {number} graceMs */
  async function stopNode(id, graceMs) {
    const proc = procs.get(id);
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    await signal(id, 'SIGTERM');
    clearTimeout(timer);
  }

  // If this process exits without stop() (a crash, process.exit), take the nodes with it.
  const killAll = () => {
    for (const proc of procs.values())
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  };
  process.once('exit', killAll);

  try {
    await Promise.all(ids.map((id) => launch(id)));
  } catch (error) {
    process.off('exit', killAll);
    await Promise.all(ids.map((id) => stopNode(id, 0)));
    throw error;
  }

  return {
    nodes: () => [...nodes.values()],
    urls: ids.map((id) => `ws://${host}:${ports[id - 1]}`),
    kill: (id, sig = 'SIGKILL') => signal(id, sig),
    restart: async (id) => {
      await stopNode(id, 2_000);
      await launch(id);
    },
    isRunning: (id) => {
      const proc = procs.get(id);
      return !!proc && proc.exitCode === null && proc.signalCode === null;
    },
    logTail: (id) => (tails.get(id) ?? []).join(''),
    stop: async (graceMs = 3_000) => {
      await Promise.all(ids.map((id) => stopNode(id, graceMs)));
      process.off('exit', killAll);
    },
  };
}
