/**
 * A real node 2 (in this process, core engine) whose peer node 1 is played by the test with the
 * cluster's own `PeerLinks`: node 1 answers node 2's reads (catch-up and joins) with the document
 * `answer` gives, optionally acknowledges what node 2 forwards, and records every message it
 * receives. Further peers (`downPeers`) are named to node 2 but never come up.
 */
import { Doc, encodeStateAsUpdate, encodeStateVector } from '@accord/core';
import { ClusterReplicator } from '../../src/cluster/cluster-replicator.js';
import type { ClusterMessage } from '../../src/cluster/messages.js';
import { deriveClusterKey } from '../../src/cluster/peer-auth.js';
import { PeerLinks } from '../../src/cluster/peer-links.js';
import type { RelayNode } from '../../src/node.js';
import { coreEngine } from '../../src/relay/core-engine.js';
import { freePort, waitFor } from '../../src/testing/index.js';
import { CLUSTER_SECRET, startNode } from './in-process.js';

/** Options of {@link startWithPlayedPeer}. */
export interface PlayedPeerOptions {
  /** What node 1 holds of `docId` when asked by read `reqId` (0: catch-up). Default: nothing. */
  answer?: (docId: string, reqId: number) => Doc | undefined;
  /** Node 1 acknowledges every write node 2 forwards (default false). */
  ackWrites?: boolean;
  /** Ids of peers node 2 is told of that never come up (default none). */
  downPeers?: readonly number[];
}

/** Node 2, the link to node 1 up, and what node 1 received. */
export interface PlayedPeer {
  readonly node: RelayNode;
  /** Node 1's side of the link. */
  readonly fake: PeerLinks;
  /** Every message node 2 sent node 1, in order. */
  readonly fromNode2: ClusterMessage[];
  /** Stop node 2, then node 1's links. */
  stop(): Promise<void>;
}

/** Start node 2 with node 1 played here (see the module comment); resolves once their link is up. */
export async function startWithPlayedPeer(o: PlayedPeerOptions = {}): Promise<PlayedPeer> {
  const [p1, p2] = [await freePort(), await freePort()];
  const down = await Promise.all((o.downPeers ?? []).map(async (id) => ({ id, port: await freePort() })));
  const fromNode2: ClusterMessage[] = [];
  const fake: PeerLinks = new PeerLinks({
    nodeId: 1,
    listenHost: '127.0.0.1',
    listenPort: p1,
    peers: [{ id: 2, host: '127.0.0.1', port: p2 }],
    clusterKey: deriveClusterKey(CLUSTER_SECRET),
    onMessage: (_from, m) => {
      fromNode2.push(m);
      if (m.type === 'replicate' && o.ackWrites === true)
        fake.send(2, { type: 'replicate-ack', docId: m.docId, updateId: m.updateId });
      if (m.type === 'sync-request') {
        const doc = o.answer?.(m.docId, m.reqId) ?? new Doc();
        const update = encodeStateAsUpdate(doc);
        fake.send(2, {
          type: 'sync-reply',
          docId: m.docId,
          reqId: m.reqId,
          update,
          stateVector: encodeStateVector(doc),
        });
      }
    },
  });
  await fake.start();
  const replicator = new ClusterReplicator({
    clusterSecret: CLUSTER_SECRET,
    nodeId: 2,
    listenHost: '127.0.0.1',
    peerPort: p2,
    peers: [
      { id: 1, host: '127.0.0.1', port: p1 },
      ...down.map((d) => ({ id: d.id, host: '127.0.0.1', port: d.port })),
    ],
  });
  let node: RelayNode;
  try {
    node = await startNode(['--id', '2'], { engine: coreEngine, replicator: () => replicator });
  } catch (e) {
    await fake.stop();
    throw e;
  }
  const stop = async () => {
    await node.close();
    await fake.stop();
  };
  try {
    await waitFor('the link from node 1', () => fake.isUp(2), { timeoutMs: 5000, intervalMs: 10 });
  } catch (e) {
    await stop();
    throw e;
  }
  return { node, fake, fromNode2, stop };
}
