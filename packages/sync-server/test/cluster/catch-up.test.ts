/**
 * Catch-up at scale: the walk over stored documents is paged and bounded (virtual time, a real
 * SQLite store), documents already in sync are never loaded, and two real nodes holding
 * thousands of documents rejoin loading only the ones that differ.
 */
import { Doc, encodeStateAsUpdate, encodeStateVector } from '@accord/core';
import { afterAll, describe, expect, it } from 'vitest';
import { CatchUp } from '../../src/cluster/catch-up.js';
import { ClusterReplicator } from '../../src/cluster/cluster-replicator.js';
import type { ClusterMessage } from '../../src/cluster/messages.js';
import type { RelayNode } from '../../src/node.js';
import { coreEngine } from '../../src/relay/core-engine.js';
import { SqliteStore } from '../../src/storage/sqlite-store.js';
import { freePort, waitFor } from '../../src/testing/index.js';
import { ManualScheduler } from '../../src/time/scheduler.js';
import { CLUSTER_SECRET, startNode } from '../support/in-process.js';
import { removeTempDirs, tempDir } from '../support/tmp.js';

const stores: SqliteStore[] = [];
const nodes: RelayNode[] = [];
afterAll(async () => {
  for (const s of stores) s.close();
  await Promise.all(nodes.map((n) => n.close()));
  removeTempDirs();
});

/** An update holding `text` (typed with one extra character, then deleted) in text `t`, by replica `client`. */
function textUpdate(text: string, client: number): Uint8Array {
  const doc = new Doc({ clientId: client });
  doc.getText('t').insert(0, `${text}!`);
  doc.getText('t').delete(text.length, 1);
  return encodeStateAsUpdate(doc);
}

function storeWith(dir: string, nodeId: number, docs: number, extra: [string, Uint8Array][] = []): void {
  const store = SqliteStore.open({ dir, nodeId });
  const entries = Array.from({ length: docs }, (_, i) => ({
    docId: `doc-${i}`,
    update: textUpdate(`text ${i}`, 7),
  }));
  for (let i = 0; i < entries.length; i += 500) store.append(entries.slice(i, i + 500));
  store.append(extra.map(([docId, update]) => ({ docId, update })));
  store.close();
}

describe('CatchUp walks stored documents in pages with bounded requests', () => {
  it('keeps at most maxInFlight requests, pages in SQLite order, frees slots on replies and timeouts', async () => {
    const dir = tempDir();
    storeWith(dir, 1, 600);
    const store = SqliteStore.open({ dir, nodeId: 1 });
    stores.push(store);
    const scheduler = new ManualScheduler();
    const sent: ClusterMessage[] = [];
    const ingested: string[] = [];
    const cu = new CatchUp({
      store,
      scheduler,
      send: (_to, m) => sent.push(m),
      ingest: async (docId) => {
        ingested.push(docId);
      },
      maxInFlight: 8,
      pageSize: 100,
      replyTimeoutMs: 1000,
    });
    cu.start(2);
    scheduler.advance(0);
    const requests = () => sent.filter((m) => m.type === 'sync-request');
    expect(requests()).toHaveLength(8);
    expect(cu.inFlight(2)).toBe(8);
    // A reply that brings nothing new frees its slot without loading or storing anything...
    const first = requests()[0] as Extract<ClusterMessage, { type: 'sync-request' }>;
    const same = textUpdate(`text ${first.docId.slice(4)}`, 7);
    await cu.onReply(2, first.docId, same, first.stateVector);
    expect(ingested).toEqual([]);
    // ...a reply with something new is taken in.
    const second = requests()[1] as Extract<ClusterMessage, { type: 'sync-request' }>;
    await cu.onReply(2, second.docId, textUpdate('news', 99), encodeStateVector(new Doc()));
    expect(ingested).toEqual([second.docId]);
    scheduler.advance(0);
    expect(requests()).toHaveLength(10);
    // Unanswered requests give their slots back after the reply timeout; the walk goes on to the end.
    for (let t = 0; t < 200 && !cu.finished(2); t++) scheduler.advance(1000);
    expect(cu.finished(2)).toBe(true);
    const ids = requests().map((m) => (m.type === 'sync-request' ? m.docId : ''));
    expect(new Set(ids).size).toBe(600);
    const utf8 = ids.map((s) => Buffer.from(s));
    for (let i = 1; i < utf8.length; i++)
      expect(Buffer.compare(utf8[i - 1] as Buffer, utf8[i] as Buffer)).toBe(-1);
  });
});

describe('two nodes with thousands of stored documents rejoin', () => {
  it('load only the documents that differ, and converge them', async () => {
    const dirs = [tempDir(), tempDir()];
    storeWith(dirs[0] as string, 1, 3000, [['only-on-1', textUpdate('from one', 11)]]);
    storeWith(dirs[1] as string, 2, 3000, [['only-on-2', textUpdate('from two', 22)]]);
    const ports = [await freePort(), await freePort()];
    for (const id of [1, 2]) {
      const replicator = new ClusterReplicator({
        clusterSecret: CLUSTER_SECRET,
        nodeId: id,
        listenHost: '127.0.0.1',
        peerPort: ports[id - 1] as number,
        peers: [{ id: 3 - id, host: '127.0.0.1', port: ports[2 - id] as number }],
      });
      nodes.push(
        await startNode(['--id', String(id), '--data', dirs[id - 1] as string], {
          engine: coreEngine,
          replicator: () => replicator,
        }),
      );
    }
    const catchingUp = () =>
      nodes.some((n) => {
        const h = n.replicator.health() as { catchingUp: number[]; peersConnected: number[] };
        const lacking = ['only-on-1', 'only-on-2', 'doc-17'].some(
          (d) => n.store.load(d).updates.length === 0,
        );
        return h.catchingUp.length > 0 || h.peersConnected.length === 0 || lacking;
      });
    await waitFor('every node to have caught up', () => !catchingUp(), { timeoutMs: 30_000, intervalMs: 20 });
    for (const n of nodes) {
      // 3001 documents compared and in sync; only the one this node lacked was loaded to take it in.
      expect(n.relay.rooms.size).toBeLessThanOrEqual(1);
      for (const docId of ['only-on-1', 'only-on-2', 'doc-17'])
        expect(n.store.load(docId).updates).toHaveLength(1);
    }
  }, 60_000);
});
