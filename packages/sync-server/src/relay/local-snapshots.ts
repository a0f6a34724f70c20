/**
 * Numbered snapshots for a node that is a cluster of one: it is always the leader of term 1, so
 * it numbers a document's snapshots (1, 1), (1, 2), … every `everyUpdates` updates and `idleMs`
 * after the last one (when set), keeps each as a version (state vector, bytes, time), and
 * persists the number so it keeps counting after a restart. The same versions a cluster keeps,
 * without the agreement a cluster needs. The version and its number are one transaction on the
 * node's commit thread (`ReplicaHost.keepVersion`): the event loop never waits for its fsync, and
 * a snapshot is announced only once that transaction committed.
 */
import { Doc, encodeStateVector } from '@accord/core';
import { type SnapshotNumber, snapshotMetaKey } from '../snapshot/snapshot-number.js';
import { PacedTasks } from '../time/paced-tasks.js';
import type { Scheduler, TimerHandle } from '../time/scheduler.js';
import type { ReplicaHost } from './replicator.js';

/** Options of {@link LocalSnapshots}. */
export interface LocalSnapshotsOptions {
  /** A snapshot every this many updates to a document (0: never by count). */
  everyUpdates: number;
  /** ... and this long after its last update, if it had any since its last snapshot (0: off). */
  idleMs: number;
  /** Versions kept per document (0: all). */
  keep: number;
  scheduler: Scheduler;
  /** Wall clock for a version's time (ms since the epoch). */
  wallClock: () => number;
  /** Called after a version was kept. */
  onSnapshot: (docId: string) => void;
  /**
   * When set, snapshots due are taken in order, one per turn through this (production:
   * `setImmediate`; see `time/paced-tasks.ts`): under a steady load many documents reach their
   * count together, and taking every one in the turn that counted it stalls the node (encode and
   * one fsync each). Without it, a snapshot is taken in the turn it falls due.
   */
  defer?: ((fn: () => void) => void) | undefined;
}

let empty: Uint8Array | null = null;

/** The snapshot numbering of a single node. */
export class LocalSnapshots {
  private readonly counts = new Map<string, number>();
  private readonly highest = new Map<string, number>();
  private readonly idle = new Map<string, TimerHandle>();
  private readonly busy = new Set<string>();
  /** Documents whose snapshot waits in {@link paced}: one wait per document. */
  private readonly due = new Set<string>();
  /** Where snapshots due wait their turn (taken at once without {@link LocalSnapshotsOptions.defer}). */
  private readonly paced: PacedTasks;
  private stopped = false;

  constructor(
    private readonly host: ReplicaHost,
    private readonly o: LocalSnapshotsOptions,
  ) {
    this.paced = new PacedTasks({
      defer: o.defer,
      onError: (err) => host.logger.warn({ err }, 'snapshot task failed'),
    });
  }

  /** The highest snapshot number of `docId` (`{0, 0}` when none). */
  snapshotOf(docId: string): SnapshotNumber {
    const seq = this.seqOf(docId);
    return seq === 0 ? { term: 0, seq: 0 } : { term: 1, seq };
  }

  /** An update to `docId` was stored. */
  noteUpdate(docId: string): void {
    if (this.stopped) return;
    const c = (this.counts.get(docId) ?? 0) + 1;
    this.counts.set(docId, c);
    if (this.o.everyUpdates > 0 && c >= this.o.everyUpdates) {
      this.schedule(docId);
      return;
    }
    if (this.o.idleMs <= 0) return;
    this.idle.get(docId)?.cancel();
    this.idle.set(
      docId,
      this.o.scheduler.setTimer(this.o.idleMs, () => {
        this.idle.delete(docId);
        if ((this.counts.get(docId) ?? 0) > 0) this.schedule(docId);
      }),
    );
  }

  /** Stop every timer (shutdown). */
  stop(): void {
    this.stopped = true;
    for (const t of this.idle.values()) t.cancel();
    this.idle.clear();
    this.paced.stop();
    this.due.clear();
  }

  /**
   * Take a snapshot of `docId` now, or in its turn when paced. A document waits once: the
   * snapshot reads the room when it runs, so it covers every update counted while it waited (and
   * the count starts again from 0 then).
   */
  private schedule(docId: string): void {
    if (this.due.has(docId)) return;
    this.due.add(docId);
    this.paced.run(() => {
      this.due.delete(docId);
      void this.take(docId);
    });
  }

  private seqOf(docId: string): number {
    let seq = this.highest.get(docId);
    if (seq === undefined) {
      const raw = this.host.store.getMeta(snapshotMetaKey(docId));
      const n = raw === undefined ? null : (JSON.parse(raw) as { term?: unknown; seq?: unknown });
      seq = n !== null && Number.isSafeInteger(n.seq) ? (n.seq as number) : 0;
      this.highest.set(docId, seq);
    }
    return seq;
  }

  private async take(docId: string): Promise<void> {
    if (this.busy.has(docId) || this.stopped) return;
    this.busy.add(docId);
    this.counts.set(docId, 0);
    this.idle.get(docId)?.cancel();
    this.idle.delete(docId);
    try {
      empty ??= encodeStateVector(new Doc());
      const [stateVector, data] = await Promise.all([
        this.host.stateVector(docId),
        this.host.diff(docId, empty),
      ]);
      if (this.stopped) return;
      const seq = this.seqOf(docId) + 1;
      const number = { term: 1, seq };
      // The number and the version it names: one transaction, one fsync, on the commit thread.
      await this.host.keepVersion(
        docId,
        { ...number, at: this.o.wallClock(), stateVector, data },
        this.o.keep,
        {
          key: snapshotMetaKey(docId),
          value: JSON.stringify(number),
        },
      );
      this.highest.set(docId, seq);
      if (this.stopped) return;
      this.host.logger.info(
        { snapshot: { type: 'snapshot-committed', docId, term: 1, seq, ackers: [this.host.nodeId] } },
        'snapshot committed',
      );
      this.o.onSnapshot(docId);
    } catch (e) {
      this.host.logger.warn({ err: e, docId }, 'snapshot not taken');
    } finally {
      this.busy.delete(docId);
    }
  }
}
