import type { ServerResponse } from 'node:http';
import { defineConfig } from 'vite';

/**
 * Vite for the demo: resolves the workspace packages to their TypeScript sources (the
 * `@accord/source` export condition), so the demo builds without a prior `tsc -b`, and in dev
 * serves `/config.json` with the relay URLs from `ACCORD_RELAYS` (set by `pnpm dev`).
 */
export default defineConfig({
  resolve: {
    conditions: ['@accord/source', 'module', 'browser', 'development|production'],
  },
  build: {
    target: 'es2022',
    sourcemap: true,
  },
  plugins: [
    {
      name: 'accord-relay-config',
      configureServer(server) {
        server.middlewares.use('/config.json', (_req: unknown, res: ServerResponse) => {
          const relays = (process.env.ACCORD_RELAYS ?? '').split(',').filter((url) => url.length > 0);
          res.setHeader('content-type', 'application/json');
          res.setHeader('cache-control', 'no-store');
          res.end(JSON.stringify({ relays }));
        });
      },
    },
  ],
});
