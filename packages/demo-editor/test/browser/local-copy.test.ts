/**
 * The document kept in the browser (IndexedDB) and synced across tabs (BroadcastChannel), in a
 * real Chromium against a real relay cluster. The network is cut per browser context by routing
 * its WebSockets (pages still load from the static server): a cut context's sockets are closed
 * on sight, as if the relays were unreachable.
 */

import { waitFor } from '@accord/sync-server/testing';
import type { BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLUSTER_SIZE,
  editorText,
  placeCaret,
  type Stack,
  startStack,
  testIdText,
  waitConverged,
  waitSynced,
} from './harness.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ nodes: CLUSTER_SIZE });
});

afterAll(async () => {
  await stack?.stop();
});

/** Chromium messages that are the network's doing (a cut network), not the app's. */
const NETWORK_NOISE = /WebSocket connection to .* failed|net::ERR_|WebSocket is closed/;

/** One browser profile (shared IndexedDB and BroadcastChannel) whose network can be cut. */
interface Profile {
  readonly context: BrowserContext;
  readonly errors: string[];
  /** Cut or restore the relays (open sockets are closed at once when cutting). */
  setNetwork(up: boolean): void;
  /** A new tab on document `doc`. */
  open(doc: string): Promise<Page>;
  close(): Promise<void>;
}

async function profile(options: { network: boolean }): Promise<Profile> {
  const context = await stack.browser.newContext({ viewport: { width: 1280, height: 860 } });
  let up = options.network;
  const live = new Set<WebSocketRoute>();
  await context.routeWebSocket(/.*/, (ws) => {
    if (!up) {
      void ws.close({ code: 1001, reason: 'network cut' }).catch(() => undefined);
      return;
    }
    live.add(ws);
    ws.onClose(() => live.delete(ws));
    ws.connectToServer();
  });
  const errors: string[] = [];
  return {
    context,
    errors,
    setNetwork(next) {
      up = next;
      if (!next)
        for (const ws of [...live])
          void ws.close({ code: 1001, reason: 'network cut' }).catch(() => undefined);
    },
    async open(doc) {
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      page.on('console', (m) => {
        if (m.type() === 'error' && !NETWORK_NOISE.test(m.text())) errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      await page.goto(`${stack.server.url}#doc=${encodeURIComponent(doc)}`);
      await page.getByTestId('editor').waitFor();
      return page;
    },
    close: () => context.close(),
  };
}

/** The local-copy indicator: `[state, reason, problem]`. */
async function localCopy(page: Page): Promise<[string, string, string]> {
  const el = page.getByTestId('local-copy');
  return [
    (await el.getAttribute('data-state')) ?? '',
    (await el.getAttribute('data-reason')) ?? '',
    (await el.getAttribute('data-problem')) ?? '',
  ];
}

/** Type `text` at the end of the editor. */
async function typeAtEnd(page: Page, text: string): Promise<void> {
  await placeCaret(page, (await editorText(page)).length);
  await page.keyboard.type(text, { delay: 5 });
}

/** Write records straight into a document's store, as a broken or foreign build would. */
async function seedStore(page: Page, doc: string, records: 'garbage' | 'future-schema'): Promise<void> {
  await page.evaluate(
    async ({ name, kind }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open(name, 1);
        req.onupgradeneeded = () => {
          req.result.createObjectStore('updates', { autoIncrement: true });
          req.result.createObjectStore('snapshot').put(new Uint8Array([9, 9, 9]), 'state');
          req.result.createObjectStore('meta').put(1, 'through');
          req.transaction?.objectStore('meta').put(kind === 'future-schema' ? 99 : 1, 'schema');
        };
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction('updates', 'readwrite');
        tx.objectStore('updates').add(new Uint8Array([1, 200, 7, 7, 7, 0xff, 0xfe]));
        tx.objectStore('updates').add('not an update at all');
        tx.oncomplete = () => resolve();
        tx.onabort = () => reject(tx.error);
      });
      db.close();
    },
    { name: `accord:${doc}`, kind: records },
  );
}

describe('the document kept in the browser and synced across tabs', () => {
  it('typed offline, reloaded offline: the text is there; back online, another browser sees it', async () => {
    const doc = `reload-${Date.now()}`;
    const me = await profile({ network: true });
    const other = await profile({ network: true });
    try {
      const page = await me.open(doc);
      await waitSynced(page);
      await typeAtEnd(page, 'online. ');
      const watcher = await other.open(doc);
      await waitConverged([page, watcher]);

      me.setNetwork(false);
      await waitFor(
        'the tab to lose the relays',
        async () => (await testIdText(page, 'status')) !== 'synced',
        { timeoutMs: 15_000 },
      );
      await typeAtEnd(page, 'typed offline.');
      await page.reload();
      await page.getByTestId('editor').waitFor();
      await waitFor(
        'the reloaded tab to show its offline edit',
        async () => (await editorText(page)) === 'online. typed offline.',
        { timeoutMs: 15_000 },
      );
      expect(await testIdText(page, 'status')).not.toBe('synced');
      expect(await editorText(watcher)).toBe('online. ');
      expect((await localCopy(page))[0]).toBe('saved');

      me.setNetwork(true);
      await waitSynced(page, 30_000);
      expect(await waitConverged([page, watcher])).toBe('online. typed offline.');
      // A third browser, with no copy of its own, reads it from the cluster.
      const third = await profile({ network: true });
      try {
        const fresh = await third.open(doc);
        await waitSynced(fresh);
        expect(await waitConverged([fresh, page])).toBe('online. typed offline.');
      } finally {
        await third.close();
      }
      expect([...me.errors, ...other.errors]).toEqual([]);
    } finally {
      await Promise.all([me.close(), other.close()]);
    }
  });

  it('two tabs with the network cut converge (text and presence); reconnected, a third browser sees everything', async () => {
    const doc = `tabs-${Date.now()}`;
    const me = await profile({ network: false });
    try {
      const [one, two] = await Promise.all([me.open(doc), me.open(doc)]);
      await waitFor(
        'both tabs to see each other',
        async () => {
          const counts = await Promise.all([one, two].map((p) => p.getByTestId('presence-user').count()));
          return counts.every((n) => n === 2);
        },
        { timeoutMs: 15_000 },
      );
      await typeAtEnd(one, 'from tab one. ');
      await waitConverged([one, two]);
      await typeAtEnd(two, 'from tab two.');
      expect(await waitConverged([one, two])).toBe('from tab one. from tab two.');
      expect(await testIdText(one, 'status')).not.toBe('synced');
      expect(await testIdText(two, 'status')).not.toBe('synced');

      const other = await profile({ network: true });
      try {
        const watcher = await other.open(doc);
        await waitSynced(watcher);
        expect(await editorText(watcher)).toBe('');
        me.setNetwork(true);
        await Promise.all([waitSynced(one, 30_000), waitSynced(two, 30_000)]);
        expect(await waitConverged([one, two, watcher], 30_000)).toBe('from tab one. from tab two.');
        expect(other.errors).toEqual([]);
      } finally {
        await other.close();
      }
      expect(me.errors).toEqual([]);
    } finally {
      await me.close();
    }
  });

  it('a corrupt store is reported and skipped; the page works from the network', async () => {
    const doc = `corrupt-${Date.now()}`;
    const writer = await profile({ network: true });
    const me = await profile({ network: true });
    try {
      const w = await writer.open(doc);
      await waitSynced(w);
      await typeAtEnd(w, 'from the cluster. ');
      const page = await me.open('scratch');
      await seedStore(page, doc, 'garbage');
      await page.goto(`${stack.server.url}#doc=${encodeURIComponent(doc)}`);
      await waitSynced(page);
      await waitFor(
        'the corrupt records to be reported',
        async () => (await localCopy(page))[2] === 'corrupt',
        { timeoutMs: 15_000 },
      );
      expect((await localCopy(page))[0]).toBe('saved');
      await waitConverged([page, w]);
      await typeAtEnd(page, 'and from me.');
      expect(await waitConverged([page, w])).toBe('from the cluster. and from me.');
      expect([...me.errors, ...writer.errors]).toEqual([]);
    } finally {
      await Promise.all([me.close(), writer.close()]);
    }
  });

  it("another schema's store is left alone; the page runs network-only", async () => {
    const doc = `schema-${Date.now()}`;
    const me = await profile({ network: true });
    try {
      const page = await me.open('scratch');
      await seedStore(page, doc, 'future-schema');
      await page.goto(`${stack.server.url}#doc=${encodeURIComponent(doc)}`);
      await waitSynced(page);
      await waitFor('the store to be given up', async () => (await localCopy(page))[0] === 'off', {
        timeoutMs: 15_000,
      });
      expect((await localCopy(page))[1]).toBe('unsupported-schema');
      await typeAtEnd(page, 'network only');
      const other = await profile({ network: true });
      try {
        const watcher = await other.open(doc);
        await waitSynced(watcher);
        expect(await waitConverged([page, watcher])).toBe('network only');
      } finally {
        await other.close();
      }
      expect(me.errors).toEqual([]);
    } finally {
      await me.close();
    }
  });

  it('a full quota is reported (quota-exceeded), never crashes the page, and edits go on through the network', async () => {
    const doc = `quota-${Date.now()}`;
    const me = await profile({ network: true });
    try {
      // The quota is set before the origin stores anything (a blank page runs the command).
      const blank = await me.context.newPage();
      const cdp = await me.context.newCDPSession(blank);
      await cdp.send('Storage.overrideQuotaForOrigin', {
        origin: new URL(stack.server.url).origin,
        quotaSize: 256 * 1024,
      });
      const page = await me.open(doc);
      await waitSynced(page);
      // More than the quota, in a few large edits (random, so the store cannot compress them away).
      const chunk = (): string =>
        Array.from(
          { length: 60_000 },
          () => 'abcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(Math.random() * 36)],
        ).join('');
      for (let i = 0; i < 8; i++) {
        await page.getByTestId('editor').focus();
        await page.keyboard.insertText(chunk());
      }
      await waitFor('the quota error to be reported', async () => (await localCopy(page))[0] === 'off', {
        timeoutMs: 15_000,
      });
      expect((await localCopy(page))[1]).toBe('quota-exceeded');
      await typeAtEnd(page, ' still syncing');
      const other = await profile({ network: true });
      try {
        const watcher = await other.open(doc);
        await waitSynced(watcher);
        const text = await waitConverged([page, watcher]);
        expect(text.endsWith(' still syncing')).toBe(true);
        expect(text.length).toBe(8 * 60_000 + ' still syncing'.length);
      } finally {
        await other.close();
      }
      expect(me.errors).toEqual([]);
    } finally {
      await me.close();
    }
  });

  it('IndexedDB refused (access throws, as with storage blocked): reported, network-only', async () => {
    const doc = `no-idb-${Date.now()}`;
    const me = await profile({ network: true });
    try {
      await me.context.addInitScript(() => {
        Object.defineProperty(window, 'indexedDB', {
          get() {
            throw new DOMException('storage is blocked', 'SecurityError');
          },
        });
      });
      const page = await me.open(doc);
      await waitSynced(page);
      await waitFor(
        'the store to be reported unavailable',
        async () => (await localCopy(page))[0] === 'off',
        { timeoutMs: 15_000 },
      );
      expect((await localCopy(page))[1]).toBe('unavailable');
      await typeAtEnd(page, 'no store here');
      const other = await profile({ network: true });
      try {
        const watcher = await other.open(doc);
        await waitSynced(watcher);
        expect(await waitConverged([page, watcher])).toBe('no store here');
      } finally {
        await other.close();
      }
      expect(me.errors).toEqual([]);
    } finally {
      await me.close();
    }
  });
});
