/**
 * Cross-tab sync over Node's real `BroadcastChannel` (the same API browsers have): providers with
 * `crossTab: true` and no network converge, a late tab catches up, presence crosses tabs and
 * leaves with the tab, a closing tab hands its unacknowledged updates over, and hostile messages
 * on the channel are reported and change nothing.
 */
import { Doc } from '@accord/core';
import { waitFor } from '@accord/sync-server/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ProviderError } from '../../src/errors.js';
import { decodeTabMessage, encodeTabMessage } from '../../src/tabs/tab-codec.js';
import { WebsocketProvider } from '../../src/websocket-provider.js';

const open: WebsocketProvider[] = [];
const channels: BroadcastChannel[] = [];

afterEach(() => {
  for (const p of open.splice(0)) p.destroy();
  for (const c of channels.splice(0)) c.close();
});

/** A tab: a document and an offline provider (nothing listens on port 1) with cross-tab sync. */
function tab(docId = 'notes') {
  const doc = new Doc();
  const provider = new WebsocketProvider(doc, ['ws://127.0.0.1:1'], {
    docId,
    WebSocket,
    connect: false,
    crossTab: true,
  });
  const errors: ProviderError[] = [];
  provider.on('error', (e) => errors.push(e));
  open.push(provider);
  return { doc, provider, errors, text: doc.getText('t') };
}

describe('cross-tab sync (BroadcastChannel)', () => {
  it('tabs converge without the network; a late tab catches up; nothing is queued twice for the relay', async () => {
    const a = tab();
    const b = tab();
    a.text.insert(0, 'from A. ');
    b.text.insert(0, 'from B. ');
    await waitFor(
      'A and B to converge',
      () => a.text.toString() === b.text.toString() && a.text.length === 16,
      { timeoutMs: 5_000, intervalMs: 5 },
    );
    // Each tab queues only its own edit: the other's is that tab's to send.
    expect(a.provider.pendingUpdates).toBe(1);
    expect(b.provider.pendingUpdates).toBe(1);
    const c = tab();
    await waitFor('C to catch up', () => c.text.toString() === a.text.toString(), {
      timeoutMs: 5_000,
      intervalMs: 5,
    });
    c.doc.getMap('m').set('k', 1);
    await waitFor(
      'A and B to get C',
      () => a.doc.getMap('m').get('k') === 1 && b.doc.getMap('m').get('k') === 1,
      { timeoutMs: 5_000, intervalMs: 5 },
    );
    expect([a.errors, b.errors, c.errors]).toEqual([[], [], []]);
  });

  it('another document on the same channel machinery is not mixed in', async () => {
    const a = tab('one');
    const b = tab('two');
    const a2 = tab('one');
    a.text.insert(0, 'only one');
    await waitFor('same doc to sync', () => a2.text.toString() === 'only one', {
      timeoutMs: 5_000,
      intervalMs: 5,
    });
    expect(b.text.toString()).toBe('');
  });

  it('presence crosses tabs (keyed negative), and leaves with the tab', async () => {
    const a = tab();
    const b = tab();
    a.provider.setPresence({ name: 'Ada', color: '#f00' });
    await waitFor('B to see A', () => b.provider.peers.size === 1, { timeoutMs: 5_000, intervalMs: 5 });
    const [key, state] = [...b.provider.peers][0] ?? [];
    expect(key).toBeLessThan(0);
    expect(state).toMatchObject({ name: 'Ada', color: '#f00' });
    const c = tab();
    await waitFor('a late tab to see A', () => c.provider.peers.size === 1, {
      timeoutMs: 5_000,
      intervalMs: 5,
    });
    a.provider.destroy();
    await waitFor('A to leave', () => b.provider.peers.size === 0 && c.provider.peers.size === 0, {
      timeoutMs: 5_000,
      intervalMs: 5,
    });
  });

  it('a closing tab hands its unacknowledged updates to the others', async () => {
    const a = tab();
    const b = tab();
    a.text.insert(0, 'typed in A, never acknowledged');
    await waitFor('B to get the edit', () => b.text.length > 0, { timeoutMs: 5_000, intervalMs: 5 });
    expect(b.provider.pendingUpdates).toBe(0);
    a.provider.destroy();
    await waitFor("B to adopt A's pending update", () => b.provider.pendingUpdates === 1, {
      timeoutMs: 5_000,
      intervalMs: 5,
    });
  });

  it('hostile messages are reported (bad-tab-data) and change nothing', async () => {
    const a = tab();
    const before = a.doc.getText('t').toString();
    const evil = new BroadcastChannel('accord:notes');
    channels.push(evil);
    evil.postMessage(new Uint8Array([0xac, 1, 3, 5, 200, 1, 2])); // update whose length runs off the end
    evil.postMessage('a string');
    evil.postMessage(encodeTabMessage({ type: 'update', from: 9, update: new Uint8Array([1, 2, 3, 4, 5]) }));
    evil.postMessage(new Uint8Array([0xac, 2, 1])); // a future version
    await waitFor('four reports', () => a.errors.length === 4, { timeoutMs: 5_000, intervalMs: 5 });
    expect(a.errors.every((e) => e.code === 'bad-tab-data' && !e.fatal)).toBe(true);
    expect(a.doc.getText('t').toString()).toBe(before);
    // Still works.
    const b = tab();
    b.text.insert(0, 'fine');
    await waitFor('A to keep syncing', () => a.text.toString() === 'fine', {
      timeoutMs: 5_000,
      intervalMs: 5,
    });
  });

  it('the codec round-trips every message and rejects trailing bytes', () => {
    const messages = [
      { type: 'hello', from: 1, stateVector: new Uint8Array([1, 2]) },
      { type: 'sync', from: 2, to: 1, update: new Uint8Array([3]), stateVector: new Uint8Array([]) },
      { type: 'update', from: 3, update: new Uint8Array([4, 5]) },
      {
        type: 'presence',
        from: 4,
        sessionId: 7,
        state: { name: 'n', color: '#000', cursor: null, data: [1] },
      },
      { type: 'presence', from: 4, sessionId: 0, state: null },
      { type: 'leave', from: 5, pending: [new Uint8Array([9]), new Uint8Array([8, 7])] },
    ] as const;
    for (const m of messages) expect(decodeTabMessage(encodeTabMessage(m))).toEqual(m);
    const bytes = encodeTabMessage(messages[0]);
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    expect(() => decodeTabMessage(longer)).toThrow(/trailing/);
  });
});
