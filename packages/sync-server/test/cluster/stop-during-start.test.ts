/**
 * A cluster replicator stopped while its peer links are starting stays stopped: its start
 * resolves without starting an election or a witness role after the stop. Before, the peer
 * links' listen could outlive their stop (start never resolved), and the replicator called
 * `start` on the election the stop dropped (a TypeError) or started one after the stop.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ClusterReplicator } from '../../src/cluster/cluster-replicator.js';
import type { RelayNode } from '../../src/node.js';
import { coreEngine } from '../../src/relay/core-engine.js';
import type { ReplicaHost } from '../../src/relay/replicator.js';
import { freePort } from '../../src/testing/index.js';
import { ManualScheduler, RealScheduler } from '../../src/time/scheduler.js';
import { CLUSTER_SECRET, startNode } from '../support/in-process.js';
import { removeTempDirs } from '../support/tmp.js';

const nodes: RelayNode[] = [];
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.close()));
  removeTempDirs();
});

/** A replicator that is told to stop right after its start began, as a shutdown during boot does. */
class StoppedWhileStarting extends ClusterReplicator {
  stopped: Promise<void> | null = null;
  override start(host: ReplicaHost): Promise<void> {
    const started = super.start(host);
    this.stopped = this.stop();
    return started;
  }
}

describe('ClusterReplicator stopped during start', () => {
  for (const witness of [false, true]) {
    it(`resolves its start and stays stopped (${witness ? 'witness' : 'full'} node)`, async () => {
      const [p1, p2, p3] = [await freePort(), await freePort(), await freePort()];
      // Election timers in virtual time, to see that none is left set; links on real time.
      const clock = new ManualScheduler();
      const replicator = new StoppedWhileStarting({
        scheduler: clock,
        linkScheduler: new RealScheduler(),
        clusterSecret: CLUSTER_SECRET,
        nodeId: 1,
        listenHost: '127.0.0.1',
        peerPort: p1,
        peers: [
          { id: 2, host: '127.0.0.1', port: p2 },
          { id: 3, host: '127.0.0.1', port: p3 },
        ],
        ...(witness ? { witnesses: [1] } : {}),
      });
      const node = await startNode(['--id', '1'], { engine: coreEngine, replicator: () => replicator });
      nodes.push(node);
      await replicator.stopped;
      expect(replicator.health()).toMatchObject({ role: 'stopped', peersConnected: [] });
      expect(replicator.status()).toMatchObject({ leaderId: null, term: 0 });
      expect(replicator.peerPort).toBe(0);
      expect(clock.pending).toBe(0); // no election step was applied after the stop
    });
  }
});
