/**
 * A bundled test page on a loopback static server (`sirv`) and a real headless Chromium driven
 * by playwright-core: what every editor binding's browser tests start from.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sirv from 'sirv';
import { launchChromium } from './launch-chromium.js';

/** One opened page, with the console errors and page errors it printed. */
export interface EditorPage {
  readonly page: Page;
  readonly errors: string[];
}

/** The page server and the browser. */
export interface PageStack {
  readonly browser: Browser;
  /** `http://127.0.0.1:<port>` of the page server. */
  readonly origin: string;
  /** A new browser context (pages in one context share BroadcastChannels). */
  context(): Promise<BrowserContext>;
  /**
   * Open `file` (default `index.html`) in `context` with `query` as its query string; waits until
   * the page sets `body[data-ready="true"]`.
   */
  openPage(
    context: BrowserContext,
    query: Readonly<Record<string, string>>,
    file?: string,
  ): Promise<EditorPage>;
  /** Close the browser and the server. */
  stop(): Promise<void>;
}

/** Options of {@link startPageStack}. */
export interface PageStackOptions {
  /** Per-action timeout of opened pages (default 15 s). */
  readonly pageTimeoutMs?: number;
  /** Browser launch timeout (default 20 s). */
  readonly launchTimeoutMs?: number;
}

/** Serve the directory `root` (a bundled page) on loopback and launch Chromium. */
export async function startPageStack(root: string, options: PageStackOptions = {}): Promise<PageStack> {
  const serve = sirv(root, { dev: true, etag: false });
  const server = createServer((req, res) =>
    serve(req, res, () => {
      res.writeHead(404).end();
    }),
  );
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let browser: Browser;
  try {
    browser = await launchChromium({ timeout: options.launchTimeoutMs ?? 20_000 });
  } catch (error) {
    await close(server);
    throw error;
  }
  return {
    browser,
    origin,
    context: () => browser.newContext({ viewport: { width: 1000, height: 700 } }),
    async openPage(context, query, file = 'index.html') {
      const page = await context.newPage();
      page.setDefaultTimeout(options.pageTimeoutMs ?? 15_000);
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      await page.goto(`${origin}/${file}?${new URLSearchParams({ ...query })}`);
      await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
      return { page, errors };
    },
    async stop() {
      await browser.close().catch(() => undefined);
      await close(server);
    },
  };
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((ok) => server.close(() => ok()));
}
