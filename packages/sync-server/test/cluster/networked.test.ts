/**
 * Three relay nodes in this process (real sockets, real SQLite files), clustered over real TCP
 * peer links by the ClusterReplicator: one leader, W=2 writes, reads from another node, failover
 * when the leader goes away, persisted term and vote.
 */
import { applyUpdate, Doc, encodeStateAsUpdate, mergeUpdates } from '@accord/core';
import { afterAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/auth/tokens.js';
import { ClusterReplicator } from '../../src/cluster/cluster-replicator.js';
import type { RelayNode } from '../../src/node.js';
import { coreEngine } from '../../src/relay/core-engine.js';
import { ReplicationError } from '../../src/relay/replicator.js';
import { freePort, waitFor } from '../../src/testing/index.js';
import { ManualScheduler, RealScheduler } from '../../src/time/scheduler.js';
import { DocClient } from '../support/doc-client.js';
import { CLUSTER_SECRET, SECRET, startNode, urlOf } from '../support/in-process.js';
import { removeTempDirs } from '../support/tmp.js';

const nodes = new Map<number, RelayNode>();
const clients: DocClient[] = [];
afterAll(async () => {
  for (const c of clients) c.client?.close();
  await Promise.all([...nodes.values()].map((n) => n.close()));
  removeTempDirs();
});

/** Advance `clock` by `stepMs` every 10 ms of real time until `done()` (at most 200 steps). */
async function advanceUntil(clock: ManualScheduler, stepMs: number, done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) {
    clock.advance(stepMs);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function agreedLeader(ids: number[]): number | null {
  const st = ids.map((id) => nodes.get(id)!.replicator.status());
  const leader = st[0]?.leaderId ?? null;
  if (leader === null || !ids.includes(leader)) return null;
  return st.every((s) => s.leaderId === leader && s.term === st[0]!.term) ? leader : null;
}

describe('a 3-node cluster over real TCP peer links', () => {
  it('elects one leader, acknowledges writes held by W=2 nodes, fails over, keeps term and vote', async () => {
    const ids = [1, 2, 3];
    const peerPorts = new Map<number, number>();
    for (const id of ids) peerPorts.set(id, await freePort());
    for (const id of ids) {
      const replicator = new ClusterReplicator({
        clusterSecret: CLUSTER_SECRET,
        nodeId: id,
        listenHost: '127.0.0.1',
        peerPort: peerPorts.get(id)!,
        peers: ids
          .filter((p) => p !== id)
          .map((p) => ({ id: p, host: '127.0.0.1', port: peerPorts.get(p)! })),
        snapshotEveryUpdates: 10,
      });
      nodes.set(
        id,
        await startNode(['--id', String(id)], { engine: coreEngine, replicator: () => replicator }),
      );
    }
    await waitFor('a leader all nodes agree on', () => agreedLeader(ids) !== null, {
      timeoutMs: 5000,
      intervalMs: 10,
    });
    const leader = agreedLeader(ids)!;
    const term = nodes.get(leader)!.replicator.status().term;
    expect(term).toBeGreaterThanOrEqual(1);
    expect(nodes.get(leader)!.replicator.health()).toMatchObject({
      mode: 'cluster',
      role: 'leader',
      writeQuorum: 2,
    });

    // Writes through one follower, read through the other.
    const followers = ids.filter((i) => i !== leader);
    const token = await mintToken(SECRET, { docId: 'doc', scope: 'write' });
    const writer = new DocClient('doc', token);
    const reader = new DocClient('doc', token);
    clients.push(writer, reader);
    await writer.connect(urlOf(nodes.get(followers[0]!)!));
    // Every node up: the join read this node and another one (R = 2).
    expect(writer.welcome).toMatchObject({ type: 'welcome', readQuorum: true });
    for (let i = 0; i < 20; i++) writer.edit((d) => d.getText('t').insert(0, `${i};`));
    await writer.settled();
    await reader.connect(urlOf(nodes.get(followers[1]!)!));
    await reader.until(() => JSON.stringify(reader.json()) === JSON.stringify(writer.json()), 5000);
    // Operators see the election and replication state on /metrics, on every node.
    writer.client!.send({
      type: 'presence',
      state: { name: 'Ann', color: '#3366ff', cursor: null, data: null },
    });
    const gauge = (text: string, name: string) =>
      Number(new RegExp(`^${name}\\{node="\\d+"\\} (\\S+)$`, 'm').exec(text)?.[1]);
    await waitFor('presence held', () => nodes.get(followers[0]!)!.relay.presenceBytes.local > 0, {
      timeoutMs: 5000,
      intervalMs: 10,
    });
    for (const id of ids) {
      const text = await (await fetch(`http://127.0.0.1:${nodes.get(id)!.port}/metrics`)).text();
      expect(gauge(text, 'accord_cluster_term')).toBe(term);
      expect(gauge(text, 'accord_cluster_leader')).toBe(leader);
      expect(gauge(text, 'accord_cluster_peers_up')).toBe(2);
      expect(gauge(text, 'accord_pending_quorum_writes')).toBe(0);
      if (id === followers[0])
        expect(text).toMatch(/^accord_presence_bytes\{origin="local",node="\d+"\} [1-9]\d*$/m);
    }
    // 20 updates with a snapshot every 10: the leader numbered ordered snapshots in its term and
    // a majority stored them (the numbers are what clients see as the document version).
    await waitFor(
      'an ordered snapshot stored by a majority',
      () => ids.filter((id) => nodes.get(id)!.replicator.snapshotOf('doc').seq >= 1).length >= 2,
      { timeoutMs: 5000, intervalMs: 10 },
    );
    for (const id of ids) {
      const n = nodes.get(id)!.replicator.snapshotOf('doc');
      if (n.seq > 0) expect(n.term).toBe(term);
    }

    // The leader goes away: the two survivors elect a new leader in a newer term.
    await nodes.get(leader)!.close();
    nodes.delete(leader);
    await waitFor('a new leader among the survivors', () => agreedLeader(followers) !== null, {
      timeoutMs: 5000,
      intervalMs: 10,
    });
    expect(nodes.get(followers[0]!)!.replicator.status().term).toBeGreaterThan(term);
    // Writes still reach W=2 (both survivors) and are acknowledged.
    writer.edit((d) => d.getText('t').insert(0, 'after-failover;'));
    await writer.settled();
    await reader.until(() => String(reader.doc.getText('t').toString()).startsWith('after-failover;'), 5000);
    // The new leader learns the highest number from a majority and continues above it, in its term.
    const before = nodes.get(followers[0]!)!.replicator.snapshotOf('doc');
    for (let i = 0; i < 10; i++) writer.edit((d) => d.getText('t').insert(0, `n${i};`));
    await writer.settled();
    await waitFor(
      'a snapshot numbered in the new term',
      () => followers.every((id) => nodes.get(id)!.replicator.snapshotOf('doc').term > term),
      { timeoutMs: 5000, intervalMs: 10 },
    );
    const after = nodes.get(followers[0]!)!.replicator.snapshotOf('doc');
    expect(after.seq).toBeGreaterThan(before.seq);

    // Term and vote are persisted in each node's SQLite before use.
    for (const id of followers) {
      const meta = JSON.parse(nodes.get(id)!.store.getMeta('cluster.election') ?? 'null');
      expect(meta.term).toBe(nodes.get(id)!.replicator.status().term);
    }
  }, 30_000);

  it('a node cut off from a majority elects nobody and refuses to acknowledge writes', async () => {
    const [p1, p2, p3] = [await freePort(), await freePort(), await freePort()];
    // The node's timers (election, write deadline) run in virtual time: no sleeping to show that
    // nothing happens. Its peer links (redialling peers that are not there) stay on real time.
    const clock = new ManualScheduler();
    const replicator = new ClusterReplicator({
      scheduler: clock,
      linkScheduler: new RealScheduler(),
      clusterSecret: CLUSTER_SECRET,
      nodeId: 7,
      listenHost: '127.0.0.1',
      peerPort: p1,
      peers: [
        { id: 8, host: '127.0.0.1', port: p2 },
        { id: 9, host: '127.0.0.1', port: p3 },
      ],
      replicateTimeoutMs: 300,
    });
    const lone = await startNode(['--id', '7'], { engine: coreEngine, replicator: () => replicator });
    nodes.set(7, lone);
    const doc = new Doc();
    doc.getText('t').insert(0, 'x');
    const write = replicator.replicate('solo', encodeStateAsUpdate(doc));
    clock.advance(300); // the write deadline (replicateTimeoutMs)
    await expect(write).rejects.toBeInstanceOf(ReplicationError);
    // Many election timeouts later (the test used to sleep 800 ms of real time for this):
    clock.advance(30_000);
    expect(replicator.status()).toMatchObject({ leaderId: null, term: 0 }); // pre-vote never passed: no term bump
    expect(replicator.health()).toMatchObject({ peersConnected: [] });

    // A client joining this node is told that its state was not read from a quorum: no other
    // node answered within the read's wait (1 s on the node's virtual clock).
    const token = await mintToken(SECRET, { docId: 'solo', scope: 'write' });
    const reader = new DocClient('solo', token);
    clients.push(reader);
    const joined = reader.connect(urlOf(lone));
    await advanceUntil(clock, 250, () => reader.welcome !== null);
    await joined;
    expect(reader.welcome).toMatchObject({ type: 'welcome', nodeId: 7, readQuorum: false });

    // Write concerns (PACELC): a client that asked for w = 1 is acknowledged by this node alone;
    // one with the node's own W = 2 is told its update could not be made durable in time.
    const fast = new DocClient('solo', token);
    fast.w = 1;
    clients.push(fast);
    const fastJoined = fast.connect(urlOf(lone));
    await advanceUntil(clock, 250, () => fast.welcome !== null);
    await fastJoined;
    fast.edit((d) => d.getText('t').insert(0, 'y'));
    await fast.settled(5000);
    expect(fast.acked.size).toBeGreaterThanOrEqual(1);
    reader.edit((d) => d.getText('t').insert(0, 'z'));
    const [id] = [...reader.pending.keys()];
    const refusedAt = (m: { type: string; id?: number }) => m.type === 'error' && m.id === id;
    await advanceUntil(clock, 100, () => reader.client!.messages.some(refusedAt));
    expect(reader.client!.messages.find(refusedAt)).toMatchObject({ code: 'unavailable' });
    expect(reader.acked.has(id!)).toBe(false);
  }, 10_000);

  it('a node that joins late catches up on a document larger than one peer frame', async () => {
    const ids = [11, 12, 13];
    const ports = new Map<number, number>();
    for (const id of ids) ports.set(id, await freePort());
    const start = async (id: number) => {
      const replicator = new ClusterReplicator({
        clusterSecret: CLUSTER_SECRET,
        nodeId: id,
        listenHost: '127.0.0.1',
        peerPort: ports.get(id)!,
        peers: ids.filter((p) => p !== id).map((p) => ({ id: p, host: '127.0.0.1', port: ports.get(p)! })),
        maxPeerFrameBytes: 64 * 1024, // catch-up of this document needs about five frames' worth
      });
      nodes.set(
        id,
        await startNode(['--id', String(id)], { engine: coreEngine, replicator: () => replicator }),
      );
    };
    await start(11);
    await start(12);
    await waitFor('a leader of the two', () => agreedLeader([11, 12]) !== null, {
      timeoutMs: 5000,
      intervalMs: 10,
    });
    const token = await mintToken(SECRET, { docId: 'big', scope: 'write' });
    const writer = new DocClient('big', token);
    clients.push(writer);
    await writer.connect(urlOf(nodes.get(11)!));
    for (let i = 0; i < 10; i++)
      writer.edit((d) => d.getText('t').insert(0, `${i}: ${'some text with 😀, '.repeat(1500)}\n`));
    await writer.settled();
    const want = writer.doc.getText('t').toString();
    expect(want.length).toBeGreaterThan(250_000);

    await start(13); // catches up when its links come up: far more than one 64 KiB frame
    const stored = () => {
      const s = nodes.get(13)!.store.load('big');
      const parts = s.snapshot ? [s.snapshot, ...s.updates] : [...s.updates];
      if (parts.length === 0) return '';
      const d = new Doc();
      applyUpdate(d, mergeUpdates(parts));
      return d.getText('t').toString();
    };
    await waitFor('node 13 to store the whole document', () => stored() === want, {
      timeoutMs: 10_000,
      intervalMs: 10,
    });
  }, 30_000);
});
