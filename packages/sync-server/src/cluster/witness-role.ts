/**
 * A witness node's side of the cluster protocol, plugged into the {@link ClusterReplicator} when
 * this node is one of `--witness`: it stores the updates full replicas forward (checked, never
 * applied to a document, never relayed) with the stamp each was forwarded with, and acknowledges
 * each once both are durable, so it counts toward W; it ignores catch-up traffic (it keeps no
 * documents); and its {@link WitnessHolder} hands what it holds to the full replicas and drops it
 * once `pruneAt` of them hold it. What it hands over (probes, answers to quorum reads) goes one
 * stamped update at a time, so a full replica takes each in only after what it followed.
 */
import { coverageOf, DecodeError, describeDocIdProblem, docIdProblem } from '@accord/core/protocol';
import type { NodeId } from '../election/types.js';
import type { ReplicaHost } from '../relay/replicator.js';
import { type StampRow, WitnessLog } from '../storage/witness-log.js';
import type { Scheduler, TimerHandle } from '../time/scheduler.js';
import { decodeStampBytes, encodeStampBytes, MAX_OFFER_ENTRIES } from './causal-codec.js';
import type { ClusterMessage, ReplicateMessage, WitnessEntry } from './messages.js';
import { type HeldOffer, WitnessHolder } from './witness-holder.js';

/** Bytes of updates in one probe (the rest follows once it is confirmed). */
const PROBE_BYTES = 4 * 1024 * 1024;
/** Bytes of updates in one answer to a quorum read (beyond: no answer; the read goes without it). */
const READ_BYTES = 12 * 1024 * 1024;

/** What the witness role needs from its replicator. */
export interface WitnessRoleDeps {
  host: ReplicaHost;
  fullPeers: readonly NodeId[];
  pruneAt: number;
  scheduler: Scheduler;
  send: (to: NodeId, m: ClusterMessage) => void;
  isUp: (peer: NodeId) => boolean;
  /** Most marks in a stored stamp (the codec's member bound). */
  maxMarks: number;
  /** Time between probe rounds (ms). Default 200. */
  probeEveryMs?: number;
  /** How often the file is checked for free pages to give back (ms). Default 10 000. */
  reclaimEveryMs?: number;
}

/** A stamp to save, and what to do once it is durable. */
interface PendingStamp {
  readonly row: StampRow;
  readonly from: NodeId;
  readonly updateId: number;
}

/** A witness node's handling of held updates. */
export class WitnessRole {
  private readonly log: WitnessLog;
  readonly holder: WitnessHolder;
  private readonly d: WitnessRoleDeps;
  private dropped = 0;
  private reclaimTimer: TimerHandle | null = null;
  /** Peers already warned that they treat this node as a full replica. */
  private readonly unaware = new Set<NodeId>();
  /** Peers already warned that they forward unstamped writes. */
  private readonly unstamped = new Set<NodeId>();
  /**
   * Per document, writes stored or being stored whose stamp is not saved yet: while there are
   * any, an unstamped row may be one of them (committed before its position is known here), so
   * probes stop before it rather than skip it (a confirmation past it would let it be dropped).
   */
  private readonly unsaved = new Map<string, number>();
  /** Stamps of updates just made durable, saved together on the next turn. */
  private pendingStamps: PendingStamp[] = [];
  private flushTimer: TimerHandle | null = null;

  constructor(deps: WitnessRoleDeps) {
    this.d = deps;
    this.log = new WitnessLog(deps.host.store.path);
    this.holder = new WitnessHolder({
      store: deps.host.store,
      entries: (docId, after) => this.offer(docId, after, MAX_OFFER_ENTRIES, PROBE_BYTES, true),
      drop: (docId, upTo) => this.log.dropUpTo(docId, upTo),
      fullPeers: deps.fullPeers,
      pruneAt: deps.pruneAt,
      scheduler: deps.scheduler,
      send: deps.send,
      isUp: deps.isUp,
      ...(deps.probeEveryMs !== undefined ? { probeEveryMs: deps.probeEveryMs } : {}),
      onDropped: (docId, entries, upTo) => {
        this.dropped += entries;
        deps.host.logger.debug({ docId, entries, upTo }, 'witness dropped updates full replicas hold');
      },
    });
    this.holder.start();
    this.armReclaim();
  }

  /**
   * A join's quorum read from a full replica: every update this witness still holds of `docId`,
   * stamped (the asker keeps what it already has), or null when that is more than one answer
   * carries (the read then goes without this witness).
   */
  answerRead(docId: string): WitnessEntry[] | null {
    const last = this.d.host.store.lastSeq(docId);
    // An update whose stamp is not saved yet is not acknowledged by this witness: a read may
    // skip it (an acknowledged write is on W nodes, this one not among them).
    const offer = this.offer(docId, 0, MAX_OFFER_ENTRIES, READ_BYTES, false);
    return offer.upTo < last ? null : offer.entries;
  }

  /**
   * The held, stamped updates of `docId` after log position `after`, within the bounds given;
   * for a probe (`confirmable`), none past an update whose stamp may be about to be saved.
   */
  private offer(
    docId: string,
    after: number,
    maxEntries: number,
    maxBytes: number,
    confirmable: boolean,
  ): HeldOffer {
    const barrier = confirmable && this.unsaved.has(docId);
    const { entries, upTo } = this.log.entries(docId, after, maxEntries, maxBytes, barrier);
    const out: WitnessEntry[] = [];
    for (const e of entries) {
      try {
        out.push({ origin: e.origin, stamp: decodeStampBytes(e.stamp, this.d.maxMarks), update: e.update });
      } catch (err) {
        if (!(err instanceof DecodeError)) throw err;
        this.d.host.logger.warn(
          { docId, seq: e.seq },
          'witness: a stored stamp is corrupt; its update is not handed over',
        );
      }
    }
    return { entries: out, upTo };
  }

  /**
   * A `replicate` from a peer: a forwarded client write (id > 0) is checked, stored durably with
   * its stamp and acknowledged; catch-up traffic (id 0) is not kept, nor is a write that comes
   * without a stamp (only a node that takes this one for a full replica, or an older version,
   * sends one: this witness could not hand it over safely, so it does not count it). Bad bytes
   * or a bad document id are dropped (a `DecodeError`, logged by nobody: the peer's codec
   * already bounded them).
   */
  onReplicate(from: NodeId, m: ReplicateMessage): void {
    if (m.updateId === 0) {
      this.notToldOfWitness(from);
      return;
    }
    const stamp = m.causal;
    if (stamp === undefined) {
      if (!this.unstamped.has(from)) {
        this.unstamped.add(from);
        this.d.host.logger.warn(
          { peer: from },
          'witness: a peer forwards writes without a stamp; not counted',
        );
      }
      return;
    }
    const host = this.d.host;
    try {
      const problem = docIdProblem(m.docId);
      if (problem !== null) throw new DecodeError('invalid', describeDocIdProblem(problem));
      coverageOf([m.update]); // decodes the whole update: malformed bytes are never stored
    } catch (e) {
      if (e instanceof DecodeError) return;
      throw e;
    }
    const bytes = encodeStampBytes(stamp);
    this.unsaved.set(m.docId, (this.unsaved.get(m.docId) ?? 0) + 1);
    host.persist(m.docId, m.update).then(
      (seq) => {
        this.pendingStamps.push({
          row: { docId: m.docId, seq, origin: from, stamp: bytes },
          from,
          updateId: m.updateId,
        });
        this.flushTimer ??= this.d.scheduler.setTimer(0, () => this.flushStamps());
      },
      (e: unknown) => {
        this.saved(m.docId);
        host.logger.warn({ err: e, from }, 'witness: peer update not stored');
      },
    );
  }

  private saved(docId: string): void {
    const n = (this.unsaved.get(docId) ?? 0) - 1;
    if (n > 0) this.unsaved.set(docId, n);
    else this.unsaved.delete(docId);
  }

  /** Save the stamps of the updates made durable since the last turn, then acknowledge them. */
  private flushStamps(): void {
    this.flushTimer = null;
    const batch = this.pendingStamps;
    this.pendingStamps = [];
    try {
      this.log.saveStamps(batch.map((p) => p.row));
    } catch (e) {
      // Not acknowledged: the writers time out or find W elsewhere; the updates are never offered.
      for (const p of batch) this.saved(p.row.docId);
      this.d.host.logger.warn({ err: e, updates: batch.length }, 'witness: stamps not stored');
      return;
    }
    for (const p of batch) this.saved(p.row.docId);
    for (const p of batch) {
      this.holder.held(p.row.docId);
      this.d.send(p.from, { type: 'replicate-ack', docId: p.row.docId, updateId: p.updateId });
    }
  }

  /** Every `reclaimEveryMs`, shrink the file if most of it is free (see `WitnessLog.reclaim`). */
  private armReclaim(): void {
    this.reclaimTimer = this.d.scheduler.setTimer(this.d.reclaimEveryMs ?? 10_000, () => {
      try {
        if (this.log.reclaim()) this.d.host.logger.info('witness file shrunk to what it still holds');
      } catch (e) {
        this.d.host.logger.warn({ err: e }, 'witness file not shrunk');
      }
      this.armReclaim();
    });
  }

  /**
   * `peer` sent what only a node that takes this one for a full replica sends (catch-up traffic,
   * a read or catch-up request): it was not given `--witness`. Logged once per peer: it still
   * works (what a witness holds is exactly what the full replicas may lack), but that peer counts
   * this node in its read quorum and may wait for it to take over.
   */
  notToldOfWitness(peer: NodeId): void {
    if (this.unaware.has(peer)) return;
    this.unaware.add(peer);
    this.d.host.logger.warn(
      { peer },
      'a peer treats this witness as a full replica: give every node the same --witness IDS',
    );
  }

  /** `/healthz` fields: what the witness still holds. */
  health(): Record<string, unknown> {
    const b = this.log.storedBytes();
    return {
      heldUpdates: b.updates,
      heldBytes: b.updateBytes + b.snapshotBytes + b.versionBytes,
      heldDocuments: this.holder.pendingDocuments,
      droppedUpdates: this.dropped,
      fileBytes: this.log.fileBytes(),
    };
  }

  /** Stop probing and close the log's connection. */
  stop(): void {
    this.reclaimTimer?.cancel();
    this.reclaimTimer = null;
    this.flushTimer?.cancel();
    this.flushTimer = null;
    this.pendingStamps = [];
    this.unsaved.clear();
    this.holder.stop();
    this.log.close();
  }
}
