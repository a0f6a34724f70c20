/**
 * `IndexeddbPersistence` in a REAL Chromium (the one `@accord/test-browser` finds), on the
 * browser's own IndexedDB: what a tab stored survives the tab going away at once, the way a user
 * closes a tab or reloads right after typing. Run `pnpm build` first; CI builds before testing.
 */
import { launchChromium } from '@accord/test-browser';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DistServer, IMPORT_MAP, serveDist } from './support/dist-server.js';

const PAGE = `<!doctype html><meta charset="utf-8"><title>persistence test</title><link rel="icon" href="data:,">
${IMPORT_MAP}
<script type="module">
import { Doc } from '@accord/core';
import { IndexeddbPersistence } from '@accord/client';
window.accord = { Doc, IndexeddbPersistence };
window.ready = true;
</script>`;

/** What the page script sees on `window`. */
interface PageApi {
  accord: {
    Doc: new () => {
      getText(n: string): { insert(i: number, s: string): void; toString(): string; length: number };
    };
    IndexeddbPersistence: new (
      name: string,
      doc: unknown,
    ) => { whenSynced: Promise<unknown>; status: string };
  };
}

let server: DistServer;
let browser: Browser;

beforeAll(async () => {
  server = await serveDist(PAGE);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Open the test page in `context`'s tab `page` and wait for its modules. */
async function load(page: Page): Promise<void> {
  await page.goto(`${server.origin}/index.html`);
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
}

describe('IndexeddbPersistence in Chromium', { timeout: 60_000 }, () => {
  it('keeps every edit when the page reloads right after them (the store commits without waiting for callbacks)', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await load(page);
      const edits = 24;
      const navigated = page.waitForEvent('load');
      // Each edit in its own task, so each is its own write transaction; large enough that
      // several are still in IndexedDB's hands when the reload tears the page down.
      const typed = page.evaluate(async (n) => {
        const { Doc, IndexeddbPersistence } = (window as unknown as PageApi).accord;
        const doc = new Doc();
        const store = new IndexeddbPersistence('reload-at-once', doc);
        await store.whenSynced;
        const text = doc.getText('t');
        for (let i = 0; i < n; i++) {
          text.insert(text.length, `${String(i).padStart(2, '0')}${'x'.repeat(100_000)}|`);
          if (i < n - 1) await new Promise((next) => setTimeout(next, 0));
        }
        location.reload();
      }, edits);
      // The reload can tear the page down before the evaluation's result comes back: that is
      // the navigation asked for, not a failure (any other error is).
      await typed.catch((e: unknown) => {
        if (!/Execution context was destroyed/.test(String(e))) throw e;
      });
      await navigated;
      await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
      const after = await page.evaluate(async () => {
        const { Doc, IndexeddbPersistence } = (window as unknown as PageApi).accord;
        const doc = new Doc();
        const store = new IndexeddbPersistence('reload-at-once', doc);
        await store.whenSynced;
        return { status: store.status, text: doc.getText('t').toString() };
      });
      expect(after.status).toBe('ready');
      const kept = after.text
        .split('|')
        .filter((s) => s !== '')
        .map((s) => s.slice(0, 2));
      expect(kept).toEqual(Array.from({ length: edits }, (_, i) => String(i).padStart(2, '0')));
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
