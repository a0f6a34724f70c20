/**
 * What `pnpm start` and `pnpm dev` share: building the workspace, starting the 3-node relay
 * cluster with SQLite data under `./data`, and stopping every child process on Ctrl+C.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCluster } from './relay-cluster.mjs';

/** The repository root. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** The demo package directory. */
export const demoRoot = join(repoRoot, 'packages/demo-editor');
/** The relay CLI entry point, built by `tsc -b`. */
export const relayMain = join(repoRoot, 'packages/sync-server/dist/main.js');
/** The Vite CLI of the demo package. */
export const viteBin = join(demoRoot, 'node_modules/vite/bin/vite.js');

/**
 * Run a command to completion with inherited output; rejects with `what` when it fails.
 * @param {string} what @param {string} command @param {string[]} args @param {string} cwd
 * @returns {Promise<void>}
 */
export function run(what, command, args, cwd) {
  return new Promise((ok, fail) => {
    const child = spawn(command, args, { cwd, stdio: 'inherit' });
    child.once('error', fail);
    child.once('exit', (code, signal) =>
      code === 0 ? ok() : fail(new Error(`${what} failed (${signal ?? `exit ${code}`})`)),
    );
  });
}

/** Compile the libraries and the relay (`tsc -b`): the relay runs from `dist`. */
export function buildLibraries() {
  return run('tsc -b', process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-b'], repoRoot);
}

/** Bundle the demo for production into `packages/demo-editor/dist` (`vite build`). */
export function buildDemo() {
  return run('vite build', process.execPath, [viteBin, 'build', '--logLevel', 'warn'], demoRoot);
}

/** Ports of the three relay nodes: `ACCORD_RELAY_PORTS=4001,4002,4003` or the default. */
export function relayPorts() {
  const raw = process.env.ACCORD_RELAY_PORTS ?? '4001,4002,4003';
  const ports = raw.split(',').map((p) => Number.parseInt(p.trim(), 10));
  if (ports.some((p) => !Number.isInteger(p) || p <= 0 || p > 65_535)) {
    throw new Error(`ACCORD_RELAY_PORTS must be a comma-separated list of ports, got "${raw}"`);
  }
  return ports;
}

/** Offset of a relay node's peer-link port from its client port (the relay's default). */
const PEER_PORT_OFFSET = 1000;

/**
 * Reject with a clear message if any of `ports` is taken on 127.0.0.1.
 * @param {{ port: number, what: string, env: string }[]} wanted
 */
export async function assertPortsFree(wanted) {
  for (const { port, what, env } of wanted) {
    const free = await new Promise((ok) => {
      const server = createServer();
      server.once('error', () => ok(false));
      server.listen(port, '127.0.0.1', () => server.close(() => ok(true)));
    });
    if (!free) {
      throw new Error(
        `port ${port} (${what}) is already in use: is another \`pnpm start\` or \`pnpm dev\` running? ` +
          `Stop it, or choose other ports with ${env}.`,
      );
    }
  }
}

/**
 * Start the demo cluster: nodes 1..3 on loopback, data in `./data/node-N`, logs in `./data/logs`.
 * `extraArgs` go to every node (e.g. `--election ring`). Fails with a clear message when a client
 * or peer-link port is taken.
 * @param {string[]} [extraArgs]
 * @returns {Promise<import('./relay-cluster.d.mts').RelayCluster>}
 */
export async function startDemoCluster(extraArgs = []) {
  const ports = relayPorts();
  await assertPortsFree(
    ports.flatMap((port, i) => [
      { port, what: `relay node ${i + 1}`, env: 'ACCORD_RELAY_PORTS' },
      { port: port + PEER_PORT_OFFSET, what: `relay node ${i + 1} peer links`, env: 'ACCORD_RELAY_PORTS' },
    ]),
  );
  return startCluster({ relayMain, ports, dataRoot: join(repoRoot, 'data'), extraArgs });
}

/** The demo's HTTP port: `ACCORD_DEMO_PORT` or 5173. */
export function demoPort() {
  const port = Number.parseInt(process.env.ACCORD_DEMO_PORT ?? '5173', 10);
  if (!Number.isInteger(port) || port <= 0 || port > 65_535) {
    throw new Error(`ACCORD_DEMO_PORT must be a port number, got "${process.env.ACCORD_DEMO_PORT}"`);
  }
  return port;
}

/**
 * Call `cleanup` once on SIGINT, SIGTERM or SIGHUP, then exit. A second Ctrl+C exits at once.
 * @param {() => Promise<void>} cleanup
 */
export function onShutdown(cleanup) {
  let stopping = false;
  /** @param {NodeJS.Signals} sig */
  const handler = (sig) => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stdout.write(`\n${sig}: stopping the demo and its relay nodes…\n`);
    cleanup().then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  for (const sig of /** @type {NodeJS.Signals[]} */ (['SIGINT', 'SIGTERM', 'SIGHUP']))
    process.on(sig, handler);
}
