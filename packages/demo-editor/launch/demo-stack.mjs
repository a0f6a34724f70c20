/**
 * What `pnpm start` and `pnpm dev` share: building the workspace, starting the 3-node relay
 * cluster with SQLite data under `./data`, and stopping every child process on Ctrl+C.
 */
import { spawn } from 'node:child_process';
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

/**
 * Start the demo cluster: nodes 1..3 on loopback, data in `./data/node-N`, logs in `./data/logs`.
 * @returns {Promise<import('./relay-cluster.d.mts').RelayCluster>}
 */
export function startDemoCluster() {
  return startCluster({ relayMain, ports: relayPorts(), dataRoot: join(repoRoot, 'data') });
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
