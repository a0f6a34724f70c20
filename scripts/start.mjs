#!/usr/bin/env node
/**
 * `pnpm start`: build what is needed, start a 3-node relay cluster on 127.0.0.1 (SQLite data under
 * ./data), serve the built demo and print its URL. Ctrl+C stops everything.
 * Ports: ACCORD_RELAY_PORTS (default 4001,4002,4003) and ACCORD_DEMO_PORT (default 5173).
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

async function main() {
  const port = demoPort();
  await assertPortsFree([{ port, what: 'the demo page', env: 'ACCORD_DEMO_PORT' }]);
  await buildLibraries();
  await buildDemo();
  const cluster = await startDemoCluster();
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
  console.log('  open the link in several tabs; Ctrl+C stops everything');
}

main().catch((error) => {
  console.error(`pnpm start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
