/**
 * The page stack against a real Chromium: a page directory bundled with Vite, served on loopback,
 * opened with a query string; console errors are collected; nothing outside the directory is
 * served.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BundledPages, bundlePages, type PageStack, startPageStack } from '../src/index.js';

const fixture = resolve(dirname(fileURLToPath(import.meta.url)), 'fixture');
let bundled: BundledPages;
let stack: PageStack;

beforeAll(async () => {
  bundled = await bundlePages(fixture);
  stack = await startPageStack(bundled.outDir);
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  await bundled?.remove();
});

describe('startPageStack', () => {
  it('opens the bundled page with its query and collects console errors', async () => {
    const context = await stack.context();
    const ok = await stack.openPage(context, { room: 'r1' });
    expect(await ok.page.evaluate(() => document.body.dataset.room)).toBe('r1');
    expect(ok.errors).toEqual([]);
    const failing = await stack.openPage(context, { room: 'r2', fail: '1' });
    expect(failing.errors).toEqual(['asked to fail']);
    await context.close();
  }, 60_000);

  it('serves only the page directory, on loopback', async () => {
    expect(stack.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const inside = await fetch(`${stack.origin}/index.html`);
    expect(inside.status).toBe(200);
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/nothing.js']) {
      const res = await fetch(`${stack.origin}${path}`);
      expect(res.status).toBe(404);
    }
  });
});
