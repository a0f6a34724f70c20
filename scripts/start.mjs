#!/usr/bin/env node
/**
 * `pnpm start`: build what is needed, start a 3-node relay cluster on 127.0.0.1 (SQLite data under
 * ./data), serve the built demo and print its URL. Ctrl+C stops everything.
 * Ports: ACCORD_RELAY_PORTS (default 4001,4002,4003) and ACCORD_DEMO_PORT (default 5173).
 * Flags passed to every relay node: `--election bully|candidates|invitation|ring` and
 * `--candidates 1,2` (e.g. `pnpm start -- --election ring`); anything else exits with status 2.
 */
import { join } from 'node:path';
import {
  assertPortsFree,
  buildDemo,
  buildLibraries,
  demoPort,
  demoRoot,
  onShutdown,
  startDemoCluster,
} from '../packages/demo-editor/launch/demo-stack.mjs';
import { serveStatic } from '../packages/demo-editor/launch/static-server.mjs';

/** The relay flags `pnpm start` passes through to every node. */
const PASS_THROUGH = new Set(['--election', '--candidates']);

/**
 * The relay arguments from this script's argv (a leading `--` from `pnpm start --` is skipped).
 * @param {string[]} argv
 * @returns {string[]}
 */
function relayArgs(argv) {
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  const out = [];
  for (let i = 0; i < args.length; i += 2) {
    const flag = args[i] ?? '';
    const value = args[i + 1];
    if (!PASS_THROUGH.has(flag)) usage(`unknown flag ${flag}`);
    if (value === undefined || value.startsWith('--')) usage(`${flag} needs a value`);
    out.push(flag, value);
  }
  return out;
}

/** @param {string} message @returns {never} */
function usage(message) {
  console.error(
    `pnpm start: ${message} (accepted: --election bully|candidates|invitation|ring, --candidates 1,2)`,
  );
  process.exit(2);
}

async function main() {
  const extraArgs = relayArgs(process.argv.slice(2));
  const port = demoPort();
  await assertPortsFree([{ port, what: 'the demo page', env: 'ACCORD_DEMO_PORT' }]);
  await buildLibraries();
  await buildDemo();
  const cluster = await startDemoCluster(extraArgs);
  /** @type {import('../packages/demo-editor/launch/static-server.d.mts').StaticServer | undefined} */
  let server;
  onShutdown(async () => {
    await server?.close();
    await cluster.stop();
  });
  try {
    server = await serveStatic({
      root: join(demoRoot, 'dist'),
      port,
      config: { relays: cluster.urls },
    });
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  const ports = cluster.nodes().map((n) => n.port);
  console.log(`\nAccord demo: ${server.url}#doc=welcome\n`);
  console.log(`  relay nodes 1-3 on 127.0.0.1 ports ${ports.join(', ')}; data and logs in ./data`);
  if (extraArgs.length > 0) console.log(`  relay flags: ${extraArgs.join(' ')}`);
  console.log('  open the link in several tabs; Ctrl+C stops everything');
}

main().catch((error) => {
  console.error(`pnpm start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
