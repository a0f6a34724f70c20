/**
 * The provider in a REAL Chromium (the one `@accord/test-browser` finds, driven by playwright-core)
 * with the browser's native WebSocket, against a REAL relay process: the built ESM (`dist` of core
 * and client, loaded through an import map, no bundler) syncs with a Node client, survives the
 * offline switch, and reports cluster status. Run `pnpm build` first; CI builds before testing.
 */
import { existsSync } from 'node:fs';
import { Doc } from '@accord/core';
import { waitFor } from '@accord/sync-server/testing';
import { launchChromium } from '@accord/test-browser';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { WebsocketProvider } from '../../src/websocket-provider.js';
import {
  freePort,
  RELAY_MAIN,
  type RelayProcess,
  relayBuilt,
  startRelay,
} from '../integration/support/relay-process.js';
import { type DistServer, IMPORT_MAP, serveDist } from './support/dist-server.js';

const PAGE = `<!doctype html><meta charset="utf-8"><title>client test</title><link rel="icon" href="data:,">
${IMPORT_MAP}
<script type="module">
import { Doc } from '@accord/core';
import { WebsocketProvider } from '@accord/client';
window.accord = { Doc, WebsocketProvider };
window.ready = true;
</script>`;

let relay: RelayProcess;
let server: DistServer;
let origin: string;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(RELAY_MAIN) || !relayBuilt())
    throw new Error(`${RELAY_MAIN} is missing: run \`pnpm build\` first`);
  relay = await startRelay({ id: 1, port: await freePort() });
  server = await serveDist(PAGE);
  origin = server.origin;
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  await page.goto(`${origin}/index.html`);
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await relay?.cleanup();
});

describe('WebsocketProvider in Chromium (native WebSocket) against a real relay', { timeout: 60_000 }, () => {
  it('syncs both ways with a Node client, survives the offline switch, reports status and cluster', async () => {
    const node = new WebsocketProvider(new Doc(), [relay.url], { docId: 'browser', WebSocket });
    try {
      await node.whenSynced();
      const result = await page.evaluate(async (url) => {
        type Accord = {
          Doc: new () => {
            getText(n: string): { insert(i: number, s: string): void; toString(): string; length: number };
          };
          WebsocketProvider: new (
            doc: unknown,
            urls: string[],
            o: { docId: string },
          ) => {
            status: string;
            cluster: { nodeId: number; leaderId: number | null; term: number } | null;
            whenSynced(): Promise<void>;
            whenAcknowledged(): Promise<void>;
            on(e: string, f: (x: { status: string }) => void): () => void;
          };
        };
        const { Doc, WebsocketProvider } = (window as unknown as { accord: Accord }).accord;
        const doc = new Doc();
        const statuses: string[] = [];
        const provider = new WebsocketProvider(doc, [url], { docId: 'browser' });
        provider.on('status', ({ status }) => statuses.push(status));
        await provider.whenSynced();
        doc.getText('t').insert(0, 'from chromium');
        await provider.whenAcknowledged();
        Object.assign(window, { doc, provider });
        return { statuses, cluster: provider.cluster };
      }, relay.url);
      expect(result.statuses).toEqual(['connected', 'synced']);
      expect(result.cluster).toMatchObject({ nodeId: 1, leaderId: 1, term: 1 });

      // Node sees the browser's edit; the browser sees Node's.
      await waitFor(
        "the Node client to get Chromium's edit",
        () => node.doc.getText('t').toString() === 'from chromium',
        { timeoutMs: 10_000, intervalMs: 10 },
      );
      node.doc.getText('t').insert(13, ' and node');
      await page.waitForFunction(
        () =>
          (window as unknown as { doc: { getText(n: string): { toString(): string } } }).doc
            .getText('t')
            .toString() === 'from chromium and node',
        undefined,
        { timeout: 10_000 },
      );

      // Offline switch in the browser: edits stay local, then merge.
      await page.evaluate(() => {
        const w = window as unknown as {
          doc: { getText(n: string): { insert(i: number, s: string): void; length: number } };
          provider: { disconnect(): void; status: string };
        };
        w.provider.disconnect();
        const t = w.doc.getText('t');
        t.insert(t.length, ' +offline');
      });
      node.doc.getText('t').insert(0, '> ');
      await node.whenAcknowledged();
      expect(node.doc.getText('t').toString()).not.toContain('+offline');
      await page.evaluate(async () => {
        const w = window as unknown as { provider: { connect(): void; whenAcknowledged(): Promise<void> } };
        w.provider.connect();
        await w.provider.whenAcknowledged();
      });
      const expected = '> from chromium and node +offline';
      await waitFor(
        'the Node client to get every edit',
        () => node.doc.getText('t').toString() === expected,
        { timeoutMs: 10_000, intervalMs: 10 },
      );
      await page.waitForFunction(
        (want) =>
          (window as unknown as { doc: { getText(n: string): { toString(): string } } }).doc
            .getText('t')
            .toString() === want,
        expected,
        { timeout: 10_000 },
      );
      expect(pageErrors).toEqual([]);
    } finally {
      node.destroy();
    }
  });
});
