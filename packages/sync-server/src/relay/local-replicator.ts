/**
 * The single-node replicator: a cluster of one. The node is leader of term 1; an update is
 * durable once the local group commit has committed it.
 */
import type {
  ClusterStatus,
  ReplicaHost,
  Replicator,
  ReplicatorEvent,
  SnapshotNumber,
} from './replicator.js';
import { ReplicationError } from './replicator.js';

/** {@link Replicator} for one node alone (no `--peers`). */
export class LocalReplicator implements Replicator {
  private host: ReplicaHost | null = null;
  private nodeId = 0;

  async start(host: ReplicaHost): Promise<void> {
    this.host = host;
    this.nodeId = host.nodeId;
  }

  async replicate(docId: string, update: Uint8Array): Promise<void> {
    if (this.host === null) throw new ReplicationError('replicator not started');
    try {
      await this.host.persist(docId, update);
    } catch (e) {
      throw new ReplicationError(`local commit failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  async readState(): Promise<readonly Uint8Array[]> {
    return [];
  }

  status(): ClusterStatus {
    return { nodeId: this.nodeId, leaderId: this.nodeId, term: 1, successors: [] };
  }

  snapshotOf(): SnapshotNumber {
    return { term: 0, seq: 0 };
  }

  onEvent(_listener: (event: ReplicatorEvent) => void): () => void {
    return () => {};
  }

  health(): Record<string, unknown> {
    return { mode: 'single-node' };
  }

  async stop(): Promise<void> {
    this.host = null;
  }
}
