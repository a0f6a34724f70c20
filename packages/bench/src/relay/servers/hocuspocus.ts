/** Starts the Hocuspocus comparison server (see `hocuspocus-main.ts`) as a child process. */
import { fileURLToPath } from 'node:url';
import { type ChildServer, startChildServer } from './child-server.js';

/** Starts Hocuspocus 3 with SQLite persistence under `dataDir` on a free port (runs the built `dist` script, also from tests). */
export function startHocuspocus(dataDir: string): Promise<ChildServer> {
  const main = fileURLToPath(new URL('../../../dist/relay/servers/hocuspocus-main.js', import.meta.url));
  return startChildServer([main, '--port', '0', '--data', dataDir], { kind: 'stdout-port' });
}
