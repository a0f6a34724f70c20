/**
 * The demo's static server (sirv plus `/config.json`): serves the built files with the right
 * types and caching, falls back to index.html for app routes, serves the relay list, and never
 * serves a file outside its root or a dotfile.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StaticServer, serveStatic } from '../../launch/static-server.mjs';

let dir = '';
let server: StaticServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'accord-static-'));
  const root = join(dir, 'dist');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>demo</title>');
  writeFileSync(join(root, 'assets', 'app-1234.js'), 'console.log(1)');
  writeFileSync(join(root, '.env'), 'SECRET=1');
  writeFileSync(join(dir, 'outside.txt'), 'outside the root');
  server = await serveStatic({ root, config: { relays: ['ws://127.0.0.1:1/'] } });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (path: string, init?: RequestInit) => fetch(new URL(path, server.url), init);

describe('the demo static server', () => {
  it('serves index.html at / and for app routes, with no-cache', async () => {
    for (const path of ['/', '/some/route']) {
      const r = await get(path);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^text\/html/);
      expect(r.headers.get('cache-control')).toBe('no-cache');
      expect(await r.text()).toContain('<title>demo</title>');
    }
  });

  it('serves hashed assets as immutable JavaScript, with an ETag that answers 304', async () => {
    const r = await get('/assets/app-1234.js');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/javascript/);
    expect(r.headers.get('cache-control')).toContain('immutable');
    const etag = r.headers.get('etag');
    expect(etag).toBeTruthy();
    expect((await get('/assets/app-1234.js', { headers: { 'if-none-match': etag! } })).status).toBe(304);
  });

  it('answers /config.json with the relay list, uncached', async () => {
    const r = await get('/config.json');
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(await r.json()).toEqual({ relays: ['ws://127.0.0.1:1/'] });
  });

  it('never serves files outside the root or dotfiles; refuses other methods', async () => {
    for (const path of ['/../outside.txt', '/%2e%2e/outside.txt', '/..%2foutside.txt', '/.env']) {
      const body = await (await get(path)).text();
      expect(body).not.toContain('outside the root');
      expect(body).not.toContain('SECRET');
    }
    expect((await get('/', { method: 'POST' })).status).toBe(405);
  });
});
