import { CloseCode } from '@accord/core/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/auth/tokens.js';
import type { RelayNode } from '../../src/node.js';
import { LocalReplicator } from '../../src/relay/local-replicator.js';
import { SqliteStore } from '../../src/storage/sqlite-store.js';
import { GSetDocument, gsetUpdate } from '../support/gset-engine.js';
import { SECRET, startNode, urlOf } from '../support/in-process.js';
import { TestClient } from '../support/protocol-client.js';
import { removeTempDirs, tempDir } from '../support/tmp.js';

const nodes: RelayNode[] = [];
afterEach(async () => {
  for (const n of nodes.splice(0)) await n.close();
  removeTempDirs();
});
const EMPTY_SV = new Uint8Array([0]);

describe('HTTP endpoints', () => {
  it('serves /healthz as JSON and /metrics as Prometheus text on the client port', async () => {
    const n = await startNode(['--id', '3']);
    nodes.push(n);
    const c = await TestClient.join(
      urlOf(n),
      'd',
      await mintToken(SECRET, { docId: 'd', scope: 'write' }),
      EMPTY_SV,
    );
    await c.ack(c.update(gsetUpdate([{ replica: 1, counter: 1, payload: 'x' }])));
    const h = await fetch(`http://127.0.0.1:${n.port}/healthz`);
    expect(h.status).toBe(200);
    expect(await h.json()).toMatchObject({
      ok: true,
      nodeId: 3,
      connections: 1,
      rooms: 1,
      cluster: { nodeId: 3, leaderId: 3, term: 1 },
    });
    const m = await fetch(`http://127.0.0.1:${n.port}/metrics`);
    expect(m.headers.get('content-type')).toContain('text/plain');
    const text = await m.text();
    expect(text).toMatch(/accord_updates_acked_total\{node="3"\} 1/);
    expect(text).toMatch(/accord_connections\{node="3"\} 1/);
    expect(text).toContain('accord_commit_batch_size_bucket');
    expect((await fetch(`http://127.0.0.1:${n.port}/`)).status).toBe(426);
    expect((await fetch(`http://127.0.0.1:${n.port}/healthz`, { method: 'POST' })).status).toBe(405);
    c.ws.terminate();
  });
});

describe('connection limit', () => {
  it('answers upgrades beyond --max-connections joined sessions with HTTP 503 and admits again once one closes', async () => {
    const n = await startNode(['--max-connections', '2']);
    nodes.push(n);
    const join = async () =>
      TestClient.join(urlOf(n), 'd', await mintToken(SECRET, { docId: 'd', scope: 'write' }), EMPTY_SV);
    // Sockets that have not said hello do not count: they have a budget of their own.
    const idle = await TestClient.connect(urlOf(n));
    const a = await join();
    const b = await join();
    await expect(TestClient.connect(urlOf(n))).rejects.toThrow('HTTP 503');
    // The socket upgraded before the budget filled is closed with 4008 once its token checks out.
    idle.send({
      type: 'hello',
      docId: 'd',
      token: await mintToken(SECRET, { docId: 'd', scope: 'write' }),
      stateVector: EMPTY_SV,
    });
    expect(await idle.closed).toBe(CloseCode.overloaded);
    expect(idle.all('sync')).toHaveLength(0);
    await a.close();
    const c = await join();
    for (const x of [b, c]) x.ws.terminate();
    const metrics = await (await fetch(`http://127.0.0.1:${n.port}/metrics`)).text();
    expect(metrics).toMatch(/accord_admission_refused_total\{reason="connections",node="\d+"\} 1/);
    expect(metrics).toMatch(/accord_admission_refused_total\{reason="connections-after-auth",node="\d+"\} 1/);
  });
});

describe('graceful shutdown', () => {
  it('acknowledges what it committed, closes clients with 4004, refuses new ones, keeps every acked update', async () => {
    const dir = tempDir();
    const n = await startNode(['--data', dir]);
    const token = await mintToken(SECRET, { docId: 'd', scope: 'write' });
    const c = await TestClient.join(urlOf(n), 'd', token, EMPTY_SV);
    const ids: number[] = [];
    for (let i = 1; i <= 20; i++)
      ids.push(c.update(gsetUpdate([{ replica: 1, counter: i, payload: `u${i}` }])));
    // Shut down while the updates are in flight.
    await c.next('ack', (m) => m.id === ids[0]);
    await n.close();
    expect(await c.closed).toBe(CloseCode.goingAway);
    const acked = new Set(c.all('ack').map((a) => a.id));
    await expect(TestClient.connect(urlOf(n))).rejects.toThrow();
    const store = SqliteStore.open({ dir, nodeId: 1 });
    const doc = new GSetDocument();
    for (const u of store.load('d').updates) doc.apply(u);
    store.close();
    for (const id of acked) expect(doc.toJSON()).toContain(`u${id}`);
    expect(acked.size).toBeGreaterThan(0);
  });
});

/** A replicator whose writes never reach their quorum (a cluster cut off from its peers). */
class StuckReplicator extends LocalReplicator {
  override replicate(): Promise<void> {
    return new Promise(() => {});
  }
}

describe('shutdown without a quorum', () => {
  it('does not wait forever for writes stuck on their quorum; they are not acknowledged', async () => {
    const n = await startNode([], { replicator: () => new StuckReplicator(), drainGraceMs: 200 });
    const c = await TestClient.join(
      urlOf(n),
      'd',
      await mintToken(SECRET, { docId: 'd', scope: 'write' }),
      EMPTY_SV,
    );
    const id = c.update(gsetUpdate([{ replica: 1, counter: 1, payload: 'x' }]));
    // Frames are handled in order: once the pong is back, the update is with the replicator.
    c.send({ type: 'ping', nonce: 1 });
    await c.next('pong');
    await n.close(); // without the grace period this never resolves (the test would time out)
    expect(await c.closed).toBe(CloseCode.goingAway);
    expect(c.all('ack').filter((a) => a.id === id)).toHaveLength(0);
  });
});
