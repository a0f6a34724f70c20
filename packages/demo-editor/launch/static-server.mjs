/**
 * The static server for the built demo, used by `pnpm start` and by the browser tests: `sirv`
 * serves one directory (ETags, hashed assets cached as immutable, path traversal refused, and
 * `index.html` for unknown extensionless paths, since the app routes by `#doc=`); this module
 * adds only `/config.json`, the relay URLs the page should use. Loopback only by default.
 */
import { createServer } from 'node:http';
import sirv from 'sirv';

/**
 * Start serving `root` on `host:port` (port 0 picks a free one).
 * @param {{ root: string, host?: string, port?: number, config: unknown }} options
 *   `config` is served as JSON at `/config.json` (for the demo: `{ relays: string[] }`).
 * @returns {Promise<{ url: string, port: number, close(): Promise<void> }>}
 */
export async function serveStatic({ root, host = '127.0.0.1', port = 0, config }) {
  const configBody = JSON.stringify(config);
  const files = sirv(root, {
    single: true,
    etag: true,
    dotfiles: false,
    setHeaders: (res, pathname) => {
      res.setHeader(
        'cache-control',
        pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (new URL(req.url ?? '/', 'http://x').pathname === '/config.json') {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : configBody);
      return;
    }
    files(req, res, () => {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    });
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ok(undefined));
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://${host}:${boundPort}/`,
    port: boundPort,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(() => ok(undefined));
      }),
  };
}
