#!/usr/bin/env node
/**
 * `pnpm dev`: the same 3-node relay cluster as `pnpm start`, with the demo served by Vite's dev
 * server (hot reload). Vite reads the relay URLs from ACCORD_RELAYS and serves them at /config.json.
 */
import { spawn } from 'node:child_process';
import {
  assertPortsFree,
  buildLibraries,
  demoPort,
  demoRoot,
  onShutdown,
  startDemoCluster,
  viteBin,
} from '../packages/demo-editor/launch/demo-stack.mjs';

async function main() {
  const port = demoPort();
  await assertPortsFree([{ port, what: 'the Vite dev server', env: 'ACCORD_DEMO_PORT' }]);
  await buildLibraries();
  const cluster = await startDemoCluster();
  const vite = spawn(
    process.execPath,
    [viteBin, '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
    { cwd: demoRoot, stdio: 'inherit', env: { ...process.env, ACCORD_RELAYS: cluster.urls.join(',') } },
  );
  const viteExited = new Promise((ok) => vite.once('exit', () => ok(undefined)));
  onShutdown(async () => {
    if (vite.exitCode === null) vite.kill('SIGTERM');
    await viteExited;
    await cluster.stop();
  });
  vite.once('exit', (code) => {
    if (code !== 0 && code !== null) {
      console.error(`vite exited with ${code}`);
      void cluster.stop().then(() => process.exit(1));
    }
  });
}

main().catch((error) => {
  console.error(`pnpm dev: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
