/**
 * WebsocketProvider against REAL relay processes (`packages/sync-server/dist/main.js`, spawned on
 * free 127.0.0.1 ports with temporary SQLite directories and `--auth none`, killed with real
 * signals). Run `pnpm build` first; CI builds before testing.
 */
import { Doc } from '@accord/core';
import { waitFor } from '@accord/sync-server/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ProviderOptions } from '../../src/provider-options.js';
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

async function startRelays(n: number): Promise<RelayProcess[]> {
  const started: RelayProcess[] = [];
  for (let i = 0; i < n; i++) {
    const node = await startRelay({ id: i + 1, port: await freePort() });
    relays.push(node);
    started.push(node);
  }
  return started;
}

/** Fast timings for tests: quick retries, quick detection of a dead node. */
const fast: Partial<ProviderOptions> = {
  WebSocket,
  backoff: { initialDelayMs: 50, maxDelayMs: 500 },
  connectTimeoutMs: 3000,
};

function client(
  urls: string[],
  docId: string,
  extra: Partial<ProviderOptions> = {},
): { doc: Doc; provider: WebsocketProvider } {
  const doc = new Doc();
  const provider = new WebsocketProvider(doc, urls, { docId, random: () => 0, ...fast, ...extra });
  providers.push(provider);
  return { doc, provider };
}

/**
 * Resolves once the provider's status is `wanted` (and, given `url`, it is connected there).
 * After a kill the child's exit can be seen before the provider sees its socket close, so a
 * status of the old connection must not count.
 */
function status(provider: WebsocketProvider, wanted: string, url?: string, ms = 10_000): Promise<void> {
  const reached = () => provider.status === wanted && (url === undefined || provider.url === url);
  return new Promise((resolve, reject) => {
    if (reached()) return resolve();
    const timer = setTimeout(
      () => reject(new Error(`status never became ${wanted} (is ${provider.status} at ${provider.url})`)),
      ms,
    );
    const off = provider.on('status', () => {
      if (reached()) {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  });
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms),
    ),
  ]);
}

/** What a fresh client reads from `url`: the server's copy. */
async function serverText(url: string, docId: string): Promise<string> {
  const { doc, provider } = client([url], docId);
  await provider.whenSynced();
  const text = doc.getText('t').toString();
  provider.destroy();
  return text;
}

describe('WebsocketProvider with real relay processes', { timeout: 30_000 }, () => {
  it('offline edits merge on reconnect with concurrent remote edits: nothing lost', async () => {
    const [node] = await startRelays(1);
    const a = client([node!.url], 'offline');
    const b = client([node!.url], 'offline');
    await Promise.all([a.provider.whenSynced(), b.provider.whenSynced()]);
    a.doc.getText('t').insert(0, 'base ');
    await a.provider.whenAcknowledged();
    await waitFor('b sees base', () => b.doc.getText('t').toString() === 'base ', {
      timeoutMs: 5000,
      intervalMs: 10,
    });

    a.provider.disconnect();
    expect(a.provider.status).toBe('offline');
    for (let i = 0; i < 30; i++) a.doc.getText('t').insert(a.doc.getText('t').length, `a${i} `);
    for (let i = 0; i < 30; i++) b.doc.getText('t').insert(0, `b${i} `);
    await b.provider.whenAcknowledged();
    // Nothing of A's offline work reached anyone.
    expect(b.doc.getText('t').toString()).not.toContain('a0 ');
    expect(a.provider.pendingUpdates).toBeGreaterThan(0);

    a.provider.connect();
    await withTimeout(a.provider.whenAcknowledged(), 10_000, 'offline edits acknowledged');
    const same = () => a.doc.getText('t').toString() === b.doc.getText('t').toString();
    await waitFor('a and b converge', same, { timeoutMs: 10_000, intervalMs: 10 });
    const text = a.doc.getText('t').toString();
    for (let i = 0; i < 30; i++) {
      expect(text).toContain(`a${i} `);
      expect(text).toContain(`b${i} `);
    }
    expect(await serverText(node!.url, 'offline')).toBe(text);
  });

  it('kill -9 of the connected node: fails over to the other URL and every acked and unacked edit reaches it', async () => {
    const [n1, n2] = await startRelays(2);
    const nodes: number[] = [];
    const { doc, provider } = client([n1!.url, n2!.url], 'failover');
    provider.on('connected-node', (n) => nodes.push(n.nodeId));
    await provider.whenSynced();
    expect(provider.url).toBe(n1!.url);
    expect(provider.readQuorum).toBe(true); // a single node is its own read quorum
    const text = doc.getText('t');
    for (let i = 0; i < 20; i++) text.insert(text.length, `k${i};`);
    await provider.whenAcknowledged(); // durable on node 1
    for (let i = 20; i < 40; i++) text.insert(text.length, `k${i};`); // maybe not acked yet
    await n1!.kill('SIGKILL');
    for (let i = 40; i < 60; i++) text.insert(text.length, `k${i};`); // made while failing over
    await status(provider, 'synced', n2!.url);
    expect(provider.url).toBe(n2!.url);
    await withTimeout(provider.whenAcknowledged(), 10_000, 'acknowledged by node 2');
    expect(nodes).toEqual([1, 2]);
    const onServer = await serverText(n2!.url, 'failover');
    expect(onServer).toBe(text.toString());
    for (let i = 0; i < 60; i++) expect(onServer).toContain(`k${i};`);
  });

  it('graceful shutdown (SIGTERM, close 4004): moves to the other node at once and keeps writing', async () => {
    const [n1, n2] = await startRelays(2);
    const closes: number[] = [];
    const { doc, provider } = client([n1!.url, n2!.url], 'sigterm');
    provider.on('connection-close', (c) => closes.push(c.code));
    await provider.whenSynced();
    const text = doc.getText('t');
    for (let i = 0; i < 10; i++) text.insert(text.length, `s${i};`);
    await n1!.kill('SIGTERM');
    for (let i = 10; i < 20; i++) text.insert(text.length, `s${i};`);
    await status(provider, 'synced', n2!.url);
    await withTimeout(provider.whenAcknowledged(), 10_000, 'acknowledged after SIGTERM');
    expect(closes[0]).toBe(4004);
    expect(provider.url).toBe(n2!.url);
    expect(await serverText(n2!.url, 'sigterm')).toBe(text.toString());
  });

  it('whenAcknowledged resolves only once the node made the edit durable (SIGSTOP holds it; kill -9 after it keeps it)', async () => {
    const [node] = await startRelays(1);
    const { doc, provider } = client([node!.url], 'durable', {
      livenessTimeoutMs: 60_000,
      ackTimeoutMs: 60_000,
    });
    await provider.whenSynced();
    node!.pause();
    doc.getText('t').insert(0, 'must survive');
    expect(provider.pendingUpdates).toBeGreaterThan(0); // the edit waits in the outbox
    let resumed = false;
    let ackedWhilePaused: boolean | null = null;
    const ack = provider.whenAcknowledged().then(() => {
      ackedWhilePaused = !resumed;
    });
    node!.resume();
    resumed = true;
    await withTimeout(ack, 10_000, 'ack after SIGCONT');
    expect(ackedWhilePaused).toBe(false); // only the resumed node could acknowledge it
    await node!.kill('SIGKILL');
    await node!.start();
    expect(await serverText(node!.url, 'durable')).toBe('must survive');
  });

  it('reconnects to a restarted node (single URL) and converges with what others wrote meanwhile', async () => {
    const [node] = await startRelays(1);
    const a = client([node!.url], 'restart');
    await a.provider.whenSynced();
    a.doc.getText('t').insert(0, 'one ');
    await a.provider.whenAcknowledged();
    await node!.kill('SIGKILL');
    a.doc.getText('t').insert(4, 'two ');
    await node!.start();
    await status(a.provider, 'synced');
    await withTimeout(a.provider.whenAcknowledged(), 10_000, 'ack after restart');
    const b = client([node!.url], 'restart');
    await b.provider.whenSynced();
    expect(b.doc.getText('t').toString()).toBe('one two ');
  });

  it('an edit larger than the relay frame limit goes out in parts: nothing refused, everyone gets it', async () => {
    const node = await startRelay({
      id: 1,
      port: await freePort(),
      extraArgs: ['--max-payload', '65536'],
    });
    relays.push(node);
    const a = client([node.url], 'paste', { maxUpdateBytes: 32 * 1024 });
    const b = client([node.url], 'paste');
    await Promise.all([a.provider.whenSynced(), b.provider.whenSynced()]);
    const errors: unknown[] = [];
    a.provider.on('error', (e) => errors.push(e));
    const paste = 'A paste with emoji 😀 and 漢字, line after line.\n'.repeat(6000); // ~330 kB of UTF-8
    a.doc.getText('t').insert(0, paste);
    a.doc.getMap('m').set('title', 'big');
    await withTimeout(a.provider.whenAcknowledged(), 15_000, 'paste acknowledged');
    expect(a.provider.status).toBe('synced');
    expect(errors).toEqual([]);
    await waitFor('b has the paste', () => b.doc.getText('t').toString() === paste, {
      timeoutMs: 10_000,
      intervalMs: 10,
    });
    expect(b.doc.getMap('m').get('title')).toBe('big');
    expect(await serverText(node.url, 'paste')).toBe(paste);
  });
});
