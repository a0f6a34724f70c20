/**
 * WebsocketProvider against a REAL 3-node relay cluster (`accord-relay --peers`, write quorum 2):
 * kill -9 of the node the client is connected to → failover to a survivor, every edit
 * acknowledged by the quorum, cluster status (node, leader, term) reported as it changes.
 */
import { Doc } from '@accord/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ClusterInfo } from '../../src/provider-options.js';
import { WebsocketProvider } from '../../src/websocket-provider.js';
import {
  freePort,
  RELAY_MAIN,
  type RelayProcess,
  relayBuilt,
  startCluster,
  startRelay,
} from './support/relay-process.js';

let nodes: RelayProcess[] = [];
const providers: WebsocketProvider[] = [];

beforeAll(() => {
  if (!relayBuilt()) throw new Error(`relay not built: ${RELAY_MAIN} is missing; run \`pnpm build\` first`);
});

afterEach(async () => {
  for (const p of providers.splice(0)) p.destroy();
  await Promise.all(nodes.map((n) => n.cleanup()));
  nodes = [];
});

function client(urls: string[], docId: string): { doc: Doc; provider: WebsocketProvider } {
  const doc = new Doc();
  const provider = new WebsocketProvider(doc, urls, {
    docId,
    WebSocket,
    random: () => 0,
    backoff: { initialDelayMs: 50, maxDelayMs: 500 },
  });
  providers.push(provider);
  return { doc, provider };
}

function clusterWhere(
  provider: WebsocketProvider,
  check: (c: ClusterInfo) => boolean,
  ms = 15_000,
): Promise<ClusterInfo> {
  return new Promise((resolve, reject) => {
    const now = provider.cluster;
    if (now !== null && check(now)) return resolve(now);
    const timer = setTimeout(
      () => reject(new Error(`cluster never matched; last ${JSON.stringify(provider.cluster)}`)),
      ms,
    );
    const off = provider.on('cluster', (c) => {
      if (!check(c)) return;
      clearTimeout(timer);
      off();
      resolve(c);
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

describe('WebsocketProvider with a real 3-node relay cluster', { timeout: 60_000 }, () => {
  it('kill -9 of its node: fails over, every edit is acknowledged by the surviving quorum and readable elsewhere', async () => {
    nodes = await startCluster(3);
    const urls = nodes.map((n) => n.url);
    const { doc, provider } = client(urls, 'cluster-failover');
    await withTimeout(provider.whenSynced(), 15_000, 'first sync');
    const before = await clusterWhere(provider, (c) => c.leaderId !== null);
    expect(before.nodeId).toBe(1);
    expect(before.term).toBeGreaterThanOrEqual(1);

    const text = doc.getText('t');
    for (let i = 0; i < 20; i++) text.insert(text.length, `c${i};`);
    await withTimeout(provider.whenAcknowledged(), 15_000, 'quorum ack before the kill');
    for (let i = 20; i < 30; i++) text.insert(text.length, `c${i};`);
    await nodes[0]!.kill('SIGKILL');
    for (let i = 30; i < 40; i++) text.insert(text.length, `c${i};`);

    const after = await clusterWhere(
      provider,
      (c) => c.nodeId !== 1 && c.leaderId !== null && c.leaderId !== 1,
    );
    expect(urls).toContain(after.url);
    await withTimeout(provider.whenAcknowledged(), 15_000, 'quorum ack after failover');

    // A fresh client on the other survivor reads every edit.
    const other = nodes.find((n) => n.running && n.url !== provider.url)!;
    const reader = client([other.url], 'cluster-failover');
    await withTimeout(reader.provider.whenSynced(), 15_000, 'reader sync');
    const onServer = reader.doc.getText('t').toString();
    expect(onServer).toBe(text.toString());
    for (let i = 0; i < 40; i++) expect(onServer).toContain(`c${i};`);
  });

  it('a stopped node (SIGSTOP: TCP accepted, upgrade never answered) is raced: the client syncs through the next URL at once', async () => {
    const stopped = await startRelay({ id: 1, port: await freePort() });
    const live = await startRelay({ id: 2, port: await freePort() });
    nodes = [stopped, live];
    stopped.signal('SIGSTOP');
    const doc = new Doc();
    const closes: string[] = [];
    const provider = new WebsocketProvider(doc, [stopped.url, live.url], {
      docId: 'raced',
      WebSocket,
      random: () => 0, // the stopped node first
      // Far past the test's timeout: only the race can get this client connected in time.
      connectTimeoutMs: 120_000,
      raceAfterMs: 300,
    });
    providers.push(provider);
    provider.on('connection-close', ({ url }) => closes.push(url));
    try {
      await withTimeout(provider.whenSynced(), 20_000, 'sync through the racing socket');
      expect(provider.url).toBe(live.url);
      expect(provider.cluster?.nodeId).toBe(2);
      expect(closes).toEqual([]);
      doc.getText('t').insert(0, 'raced');
      await withTimeout(provider.whenAcknowledged(), 10_000, 'ack through the racing socket');
    } finally {
      stopped.signal('SIGCONT');
    }
  });
});
