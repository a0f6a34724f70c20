/**
 * A node asked for a document (a join's read, or catch-up) while its own link to the asker is
 * down answers once that link is up, without being asked again. Answers travel on the answering
 * node's outbound link; after a pause the asker may already count the link as up (its inbound
 * side authenticated first) and stop asking. Real TCP peer links, a real node.
 */
import type { Socket } from 'node:net';
import { applyUpdate, Doc, encodeStateAsUpdate, encodeStateVector } from '@accord/core';
import { afterAll, describe, expect, it } from 'vitest';
import { ClusterReplicator } from '../../src/cluster/cluster-replicator.js';
import type { ClusterMessage } from '../../src/cluster/messages.js';
import { deriveClusterKey } from '../../src/cluster/peer-auth.js';
import { PeerLinks } from '../../src/cluster/peer-links.js';
import type { RelayNode } from '../../src/node.js';
import { coreEngine } from '../../src/relay/core-engine.js';
import { freePort, waitFor } from '../../src/testing/index.js';
import { CLUSTER_SECRET, startNode } from '../support/in-process.js';
import { dialAs, frameOf } from '../support/peer-client.js';
import { removeTempDirs } from '../support/tmp.js';

const sockets: Socket[] = [];
const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const s of sockets) s.destroy();
  for (const stop of stops) await stop();
  removeTempDirs();
});

describe('sync requests asked while the answering link is down', () => {
  it('are answered when the link comes up, once, without being asked again', async () => {
    const [pA, pB] = [await freePort(), await freePort()];
    // Node 2 is real. Node 1 is not listening yet: node 2's link to it stays down, redialling.
    const b = new ClusterReplicator({
      clusterSecret: CLUSTER_SECRET,
      nodeId: 2,
      listenHost: '127.0.0.1',
      peerPort: pB,
      peers: [{ id: 1, host: '127.0.0.1', port: pA }],
    });
    const nodeB: RelayNode = await startNode(['--id', '2'], { engine: coreEngine, replicator: () => b });
    stops.push(() => nodeB.close());
    const doc = new Doc();
    doc.getText('t').insert(0, 'held by node 2');
    await nodeB.relay.ingest('d', encodeStateAsUpdate(doc)); // stored on node 2
    // Node 1 reaches node 2 (its own link, up) and asks; node 2 cannot answer on its link.
    const ask = await dialAs(pB, 1, CLUSTER_SECRET, 2, (s) => sockets.push(s));
    if (!('writer' in ask)) throw new Error(`node 1 could not authenticate: ${ask.failed}`);
    const empty = encodeStateVector(new Doc());
    ask.writer.write(frameOf({ type: 'sync-request', docId: 'd', reqId: 41, stateVector: empty }));
    // Node 1 starts listening; node 2's link to it comes up and carries the answer.
    const received: ClusterMessage[] = [];
    const a = new PeerLinks({
      nodeId: 1,
      listenHost: '127.0.0.1',
      listenPort: pA,
      peers: [{ id: 2, host: '127.0.0.1', port: pB }],
      clusterKey: deriveClusterKey(CLUSTER_SECRET),
      onMessage: (_from, m) => received.push(m),
    });
    await a.start();
    stops.push(() => a.stop());
    const isAnswer = (m: ClusterMessage) => m.type === 'sync-reply' && m.reqId === 41;
    await waitFor('the held answer', () => received.some(isAnswer), { timeoutMs: 5000, intervalMs: 10 });
    const reply = received.find(isAnswer);
    if (reply?.type !== 'sync-reply') throw new Error('no answer');
    const copy = new Doc();
    applyUpdate(copy, reply.update);
    expect(copy.getText('t').toString()).toBe('held by node 2');
    expect(received.filter(isAnswer)).toHaveLength(1);
  }, 15_000);
});
