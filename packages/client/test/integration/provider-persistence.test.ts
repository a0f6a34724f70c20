/**
 * IndexeddbPersistence (on fake-indexeddb) with the provider against REAL relay processes: what
 * a closed tab never got acknowledged (typed offline, or sent to a node that froze and died
 * before storing it) is in the store, and the next visit's handshake sends exactly what the
 * relay lacks, so a third client sees it. Run `pnpm build` first; CI builds before testing.
 */
import { Doc } from '@accord/core';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { IndexeddbPersistence } from '../../src/persistence/indexeddb-persistence.js';
import { WebsocketProvider } from '../../src/websocket-provider.js';
import { freePort, RELAY_MAIN, type RelayProcess, relayBuilt, startRelay } from './support/relay-process.js';

const relays: RelayProcess[] = [];
const providers: WebsocketProvider[] = [];

beforeAll(() => {
  if (!relayBuilt()) throw new Error(`relay not built: ${RELAY_MAIN} is missing; run \`pnpm build\` first`);
});

afterEach(async () => {
  for (const p of providers.splice(0)) p.destroy();
  await Promise.all(relays.splice(0).map((r) => r.cleanup()));
});

const fast = { WebSocket, backoff: { initialDelayMs: 50, maxDelayMs: 300 }, connectTimeoutMs: 3000 };

/** A visit of the page: a fresh document, loaded from the store before the provider starts. */
async function visit(factory: IDBFactory, url: string, docId: string, connect = true) {
  const doc = new Doc();
  const store = new IndexeddbPersistence(docId, doc, { indexedDB: factory });
  await store.whenSynced;
  const provider = new WebsocketProvider(doc, [url], { docId, connect, ...fast });
  providers.push(provider);
  return { doc, store, provider, text: doc.getText('t') };
}

/** What a fresh client with no store reads from `url`. */
async function serverText(url: string, docId: string): Promise<string> {
  const doc = new Doc();
  const provider = new WebsocketProvider(doc, [url], { docId, ...fast });
  try {
    await provider.whenSynced();
    return doc.getText('t').toString();
  } finally {
    provider.destroy();
  }
}

/** Close the tab: the provider goes (its outbox with it), the store writes what is pending. */
async function closeTab(v: { store: IndexeddbPersistence; provider: WebsocketProvider }): Promise<void> {
  v.provider.destroy();
  await v.store.destroy();
}

describe('IndexeddbPersistence with the provider and a real relay', { timeout: 30_000 }, () => {
  it('typed offline, tab closed, page reopened online: the relay gets it and a third client sees it', async () => {
    const node = await startRelay({ id: 1, port: await freePort() });
    relays.push(node);
    const factory = new IDBFactory();
    const first = await visit(factory, node.url, 'offline-reload');
    await first.provider.whenSynced();
    first.text.insert(0, 'acknowledged. ');
    await first.provider.whenAcknowledged();
    first.provider.disconnect();
    first.text.insert(first.text.length, 'typed offline.');
    await closeTab(first);
    expect(await serverText(node.url, 'offline-reload')).toBe('acknowledged. ');

    const offline = await visit(factory, node.url, 'offline-reload', false);
    expect(offline.text.toString()).toBe('acknowledged. typed offline.');
    await closeTab(offline);

    const online = await visit(factory, node.url, 'offline-reload');
    await online.provider.whenSynced();
    await online.provider.whenAcknowledged();
    expect(await serverText(node.url, 'offline-reload')).toBe('acknowledged. typed offline.');
  });

  it('sent but never acknowledged (the node froze and died): the next visit resends it', async () => {
    const node = await startRelay({ id: 1, port: await freePort() });
    relays.push(node);
    const factory = new IDBFactory();
    const first = await visit(factory, node.url, 'unacked');
    await first.provider.whenSynced();
    first.text.insert(0, 'durable. ');
    await first.provider.whenAcknowledged();
    node.pause(); // SIGSTOP: the socket stays open, nothing is read or acknowledged
    first.text.insert(first.text.length, 'sent, never acknowledged.');
    await first.store.flush();
    await new Promise((r) => setImmediate(r)); // the provider's flush puts it on the socket
    expect(first.provider.pendingUpdates).toBe(1);
    await closeTab(first);
    await node.kill('SIGKILL'); // dies frozen: the update never reached its disk
    await node.start();
    expect(await serverText(node.url, 'unacked')).toBe('durable. ');

    const again = await visit(factory, node.url, 'unacked');
    expect(again.text.toString()).toBe('durable. sent, never acknowledged.');
    await again.provider.whenSynced();
    await again.provider.whenAcknowledged();
    expect(await serverText(node.url, 'unacked')).toBe('durable. sent, never acknowledged.');
  });

  it('a store that loads after the provider synced still gets its content to the relay', async () => {
    const node = await startRelay({ id: 1, port: await freePort() });
    relays.push(node);
    const factory = new IDBFactory();
    const first = await visit(factory, node.url, 'late-store', false);
    first.text.insert(0, 'only in the store');
    await closeTab(first);
    // Provider first, synced, then the store is opened on the same document.
    const doc = new Doc();
    const provider = new WebsocketProvider(doc, [node.url], { docId: 'late-store', ...fast });
    providers.push(provider);
    await provider.whenSynced();
    const store = new IndexeddbPersistence('late-store', doc, { indexedDB: factory });
    await store.whenSynced;
    expect(doc.getText('t').toString()).toBe('only in the store');
    await provider.whenAcknowledged();
    expect(await serverText(node.url, 'late-store')).toBe('only in the store');
    await store.destroy();
  });
});
