/**
 * The single-node replicator: a cluster of one. The node is leader of term 1; an update is
 * durable once the local group commit has committed it; snapshots are numbered (1, seq) and kept
 * as versions by {@link LocalSnapshots}.
 */
import type { CasOutcome } from '../register/register-replication.js';
import { type CasRequest, decideCas, highestSeqOf, type RegisterRecord } from '../register/register-state.js';
import { RegisterStore } from '../register/register-store.js';
import { RealScheduler, type Scheduler } from '../time/scheduler.js';
import { LocalSnapshots, type LocalSnapshotsOptions } from './local-snapshots.js';
import type {
  ClusterStatus,
  ReplicaHost,
  Replicator,
  ReplicatorEvent,
  SnapshotNumber,
} from './replicator.js';
import { type ReadStateResult, ReplicationError } from './replicator.js';

/** Options of a {@link LocalReplicator}; every field has a default. */
export interface LocalReplicatorOptions {
  /** Number a snapshot of a document every this many updates (0: never by count). Default 1000. */
  snapshotEveryUpdates?: number;
  /** ... and this long after its last update (ms; 0: off). Default 0. */
  snapshotIdleMs?: number;
  /** Versions kept per document (0: all). Default 50. */
  keepSnapshots?: number;
  scheduler?: Scheduler;
  /** Wall clock for versions' times. Default `Date.now`. */
  wallClock?: () => number;
  /**
   * Snapshots due are taken one per turn through this (see {@link LocalSnapshotsOptions.defer});
   * the node passes `setImmediate`. Default: none, each is taken in the turn it falls due.
   */
  defer?: ((fn: () => void) => void) | undefined;
}

/** {@link Replicator} for one node alone (no `--peers`). */
export class LocalReplicator implements Replicator {
  private host: ReplicaHost | null = null;
  private nodeId = 0;
  private snapshots: LocalSnapshots | null = null;
  private readonly listeners = new Set<(e: ReplicatorEvent) => void>();
  private registers: RegisterStore | null = null;
  /** Register records per document, loaded on first use (this node is their only writer). */
  private readonly registerCache = new Map<string, Map<string, RegisterRecord>>();

  constructor(private readonly options: LocalReplicatorOptions = {}) {}

  async start(host: ReplicaHost): Promise<void> {
    this.host = host;
    this.nodeId = host.nodeId;
    this.registers = new RegisterStore(host.store);
    this.snapshots = new LocalSnapshots(host, {
      everyUpdates: this.options.snapshotEveryUpdates ?? 1000,
      idleMs: this.options.snapshotIdleMs ?? 0,
      keep: this.options.keepSnapshots ?? 50,
      scheduler: this.options.scheduler ?? new RealScheduler(),
      wallClock: this.options.wallClock ?? Date.now,
      defer: this.options.defer,
      onSnapshot: (docId) => {
        for (const l of this.listeners) l({ kind: 'snapshot', docId });
      },
    });
  }

  async replicate(docId: string, update: Uint8Array): Promise<void> {
    if (this.host === null) throw new ReplicationError('replicator not started');
    try {
      await this.host.persist(docId, update);
    } catch (e) {
      throw new ReplicationError(`local commit failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.snapshots?.noteUpdate(docId);
  }

  /**
   * Compare-and-set on the single node: decided and stored (fsynced) synchronously, so operations
   * are trivially linearizable in their arrival order.
   */
  async cas(docId: string, req: CasRequest): Promise<CasOutcome> {
    const store = this.registers;
    if (store === null) return { status: 'retry', ok: false, value: null };
    let records = this.registerCache.get(docId);
    if (records === undefined) {
      records = new Map(store.load(docId).map((e) => [e.key, e.record]));
      this.registerCache.set(docId, records);
    }
    const d = decideCas(records, req, { term: 1, seq: highestSeqOf(records, 1) + 1 });
    if (d.refused) return { status: 'refused', ok: false, value: d.value };
    if (d.write !== null) {
      try {
        store.put(docId, [{ key: req.key, record: d.write }]);
      } catch {
        return { status: 'retry', ok: false, value: null };
      }
      records.set(req.key, d.write);
    }
    return { status: 'done', ok: d.ok, value: d.value };
  }

  async readState(): Promise<ReadStateResult> {
    return { updates: [], readQuorum: true };
  }

  status(): ClusterStatus {
    return { nodeId: this.nodeId, leaderId: this.nodeId, term: 1, successors: [] };
  }

  snapshotOf(docId: string): SnapshotNumber {
    return this.snapshots?.snapshotOf(docId) ?? { term: 0, seq: 0 };
  }

  onEvent(listener: (event: ReplicatorEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  health(): Record<string, unknown> {
    return { mode: 'single-node' };
  }

  async stop(): Promise<void> {
    this.snapshots?.stop();
    this.host = null;
  }
}
