/**
 * A write forwarded while a peer link is down is forwarded again when the link comes up, so the
 * write reaches W nodes through whichever peers are reachable later (real TCP links, real nodes).
 */
import { Doc, encodeStateAsUpdate } from '@accord/core';
import { afterAll, describe, expect, it } from 'vitest';
import { ClusterReplicator } from '../../src/cluster/cluster-replicator.js';
import type { RelayNode } from '../../src/node.js';
import { coreEngine } from '../../src/relay/core-engine.js';
import { freePort, waitFor } from '../../src/testing/index.js';
import { ManualScheduler, RealScheduler } from '../../src/time/scheduler.js';
import { CLUSTER_SECRET, startNode } from '../support/in-process.js';
import { removeTempDirs } from '../support/tmp.js';

const nodes: RelayNode[] = [];
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.close()));
  removeTempDirs();
});

describe('ClusterReplicator re-forwards waiting writes when a peer link comes up', () => {
  it('acknowledges a write made while every peer was unreachable once one peer starts', async () => {
    const [p1, p2, p3] = [await freePort(), await freePort(), await freePort()];
    const peer = (id: number, port: number) => ({ id, host: '127.0.0.1', port });
    // Node 1's timers run in virtual time: its write deadline passes only when the test says so.
    // Its peer links (redial, handshake) stay on real time: they wait for real sockets.
    const clock = new ManualScheduler();
    const first = new ClusterReplicator({
      scheduler: clock,
      linkScheduler: new RealScheduler(),
      clusterSecret: CLUSTER_SECRET,
      nodeId: 1,
      listenHost: '127.0.0.1',
      peerPort: p1,
      peers: [peer(2, p2), peer(3, p3)],
      replicateTimeoutMs: 8000,
    });
    nodes.push(await startNode(['--id', '1'], { engine: coreEngine, replicator: () => first }));
    const doc = new Doc();
    doc.getText('t').insert(0, 'written while alone');
    let settled: 'acked' | Error | null = null;
    first.replicate('d', encodeStateAsUpdate(doc)).then(
      () => {
        settled = 'acked';
      },
      (e: Error) => {
        settled = e;
      },
    );
    clock.advance(7999);
    await new Promise((r) => setImmediate(r));
    expect(settled).toBeNull(); // W = 2 and nobody else is up: the write waits out its deadline
    const second = new ClusterReplicator({
      clusterSecret: CLUSTER_SECRET,
      nodeId: 2,
      listenHost: '127.0.0.1',
      peerPort: p2,
      peers: [peer(1, p1), peer(3, p3)],
    });
    nodes.push(await startNode(['--id', '2'], { engine: coreEngine, replicator: () => second }));
    expect(await waitFor('the write to settle once node 2 is up', () => settled, { timeoutMs: 5000 })).toBe(
      'acked',
    );
  }, 15_000);
});
