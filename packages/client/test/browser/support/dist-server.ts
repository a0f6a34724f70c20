/**
 * A loopback HTTP server for Chromium tests of the built client: `/` is the given page, and
 * `/core/…` and `/client/…` are the `dist` folders of those packages (loaded through an import
 * map, no bundler). Run `pnpm build` first; CI builds before testing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const packages = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const roots: Record<string, string> = {
  '/client/': join(packages, 'client/dist'),
  '/core/': join(packages, 'core/dist'),
};

/** The import map that resolves the `@accord/core` entry points and `@accord/client` to the served `dist`. */
export const IMPORT_MAP = `<script type="importmap">{"imports":{"@accord/core":"/core/index.js","@accord/core/protocol":"/core/protocol.js","@accord/core/crdts":"/core/crdts.js","@accord/client":"/client/index.js"}}</script>`;

/** The served page and where it is. */
export interface DistServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  close(): Promise<void>;
}

/**
 * Serve `page` at `/` beside the built core and client.
 * @throws {Error} when a package is not built.
 */
export async function serveDist(page: string): Promise<DistServer> {
  for (const root of Object.values(roots)) {
    const entry = join(root, 'index.js');
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`pnpm build\` first`);
  }
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/' || path === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(page);
      return;
    }
    const prefix = Object.keys(roots).find((p) => path.startsWith(p));
    const root = prefix === undefined ? undefined : roots[prefix];
    const file =
      prefix === undefined || root === undefined ? '' : normalize(join(root, path.slice(prefix.length)));
    if (root === undefined || !file.startsWith(root) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    const type = extname(file) === '.js' ? 'text/javascript' : 'application/octet-stream';
    res.writeHead(200, { 'content-type': type }).end(readFileSync(file));
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', () => ready()));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
