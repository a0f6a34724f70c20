/**
 * Ordered snapshots over the peer links: the leader numbers a document's snapshot through the
 * pure {@link SnapshotSequencer} (learning the highest number from a majority first), announces
 * it with the state vector it covers and the full state; every node checks it with its
 * {@link SnapshotFence} (refusing older terms and non-increasing numbers), records the number in
 * SQLite before replying, and merges the state. A snapshot counts as committed once a majority
 * stored it. Each step is logged (`snapshot accepted` / `snapshot confirmed again` for a
 * retransmission of a number already stored / `snapshot committed`) for the chaos checkers.
 */
import { Doc, encodeStateVector } from '@accord/core';
import type { NodeId } from '../election/types.js';
import type { ReplicaHost } from '../relay/replicator.js';
import { SnapshotFence } from '../snapshot/snapshot-fence.js';
import { compareSnapshotNumbers, type SnapshotNumber, snapshotMetaKey } from '../snapshot/snapshot-number.js';
import { SnapshotSequencer } from '../snapshot/snapshot-sequencer.js';
import { PacedTasks } from '../time/paced-tasks.js';
import type { ClusterMessage, SnapshotAnnounceMessage } from './messages.js';
import { ingestSnapshot } from './snapshot-ingest.js';
import { SnapshotWrites } from './snapshot-writes.js';

let emptyVector: Uint8Array | null = null;
const EMPTY_VECTOR = (): Uint8Array => {
  emptyVector ??= encodeStateVector(new Doc());
  return emptyVector;
};

/** How many times the leader resends one uncommitted announcement on its timer. */
export const MAX_RETRANSMITS = 30;

const PROMISE_KEY = 'cluster.snapshot-promise';

/** What the snapshot layer needs from the replicator. */
export interface SnapshotReplicationDeps {
  nodeId: NodeId;
  members: readonly NodeId[];
  host: ReplicaHost;
  /** Persisted election term (the fence never accepts below it). */
  electionTerm: number;
  send: (to: NodeId, m: ClusterMessage) => void;
  /** The leader snapshots a document after this many updates to it. */
  everyUpdates: number;
  /**
   * The leader also snapshots a document whose updates since its last snapshot then stayed
   * quiet for this long (ms; 0 or absent: only every `everyUpdates`).
   */
  idleMs?: number;
  /**
   * The leader resends an announcement not yet committed after this long (ms; default 1000), at
   * most {@link MAX_RETRANSMITS} times: a reply lost with a dropped link must not leave the
   * document without snapshots until its next updates.
   */
  retransmitMs?: number;
  /** Timer source for the idle trigger and retransmissions. */
  setTimer?: (ms: number, fn: () => void) => { cancel(): void };
  onSnapshot: (docId: string) => void;
  /** Versions (numbered snapshots with their bytes) kept per document; 0: all. Default 50. */
  keepVersions?: number;
  /**
   * Whether this node keeps snapshot bytes (default true). A witness sets false: it still fences
   * and answers numbering queries (so a majority that includes it numbers safely), but stores
   * neither the state nor a version.
   */
  keepsData?: boolean;
  /**
   * Marks a document whose data came outside the forwards (see `snapshot-ingest.ts`): set with
   * four or more full replicas, where a snapshot can bring a write a peer still lacks.
   */
  untracked?: (docId: string) => void;
  /** Wall clock for a version's time (ms since the epoch). Default `Date.now`. */
  wallClock?: () => number;
  /**
   * When set, snapshot work (each message's handling, each count-triggered snapshot) runs in
   * order, one task per turn through this (production: `setImmediate`; see `paced-tasks.ts`):
   * documents that reach their count together do not stall the node together. Absent: at once.
   */
  defer?: (fn: () => void) => void;
}

function parseNumber(raw: string | undefined): SnapshotNumber | null {
  if (raw === undefined) return null;
  const v = JSON.parse(raw) as { term?: unknown; seq?: unknown };
  return Number.isSafeInteger(v.term) && Number.isSafeInteger(v.seq)
    ? { term: v.term as number, seq: v.seq as number }
    : null;
}

/** One node's part in ordered snapshots. */
export class SnapshotReplication {
  private readonly d: SnapshotReplicationDeps;
  /** Where snapshot work waits its turn (runs at once without {@link SnapshotReplicationDeps.defer}). */
  private readonly paced: PacedTasks;
  private readonly fence: SnapshotFence;
  /** Where numbers and versions are written. */
  private readonly writes: SnapshotWrites;
  private readonly sequencer: SnapshotSequencer;
  private readonly counts = new Map<string, number>();
  private readonly committed = new Map<string, SnapshotNumber>();
  private readonly idleTimers = new Map<string, { cancel(): void }>();
  private readonly retransmitTimers = new Map<string, { cancel(): void }>();
  /**
   * Leader: the announcement of each document's number still in flight, so a retransmission
   * carries the same state and time (every node keeps the same version under one number).
   */
  private readonly announcing = new Map<
    string,
    { number: SnapshotNumber; message: Promise<SnapshotAnnounceMessage | null> }
  >();

  constructor(deps: SnapshotReplicationDeps) {
    this.d = deps;
    this.paced = new PacedTasks({
      defer: deps.defer,
      onError: (err) => deps.host.logger.warn({ err }, 'snapshot work failed'),
    });
    const store = deps.host.store;
    const promise = Number(store.getMeta(PROMISE_KEY) ?? '0');
    const stored: [string, SnapshotNumber][] = [];
    for (const docId of deps.host.documents()) {
      const n = parseNumber(store.getMeta(snapshotMetaKey(docId)));
      if (n !== null) stored.push([docId, n]);
    }
    this.fence = new SnapshotFence(
      Math.max(deps.electionTerm, Number.isSafeInteger(promise) ? promise : 0),
      stored,
    );
    this.sequencer = new SnapshotSequencer(deps.nodeId, deps.members, this.fence);
    this.writes = new SnapshotWrites(deps.host, deps.keepsData !== false, deps.keepVersions ?? 50);
  }

  /** The newest snapshot of `docId` this node, as leader, saw committed (null when none). */
  committedOf(docId: string): SnapshotNumber | null {
    const n = this.committed.get(docId);
    return n === undefined ? null : { ...n };
  }

  /** The highest snapshot this node accepted for `docId`, stored or being written (`{0, 0}` when none). */
  snapshotOf(docId: string): SnapshotNumber {
    return this.fence.highestFor(docId) ?? { term: 0, seq: 0 };
  }

  /** The election moved to `term` (this node may no longer accept older snapshots). */
  observeTerm(term: number): void {
    this.fence.observeTerm(term);
  }

  /**
   * This node became leader of `term`. Documents with updates that no snapshot covers yet (they
   * arrived while this node followed, or before the election ended) get their idle wait now:
   * otherwise, after a leader change, they would stay unsnapshotted until their next update.
   */
  lead(term: number): void {
    this.sequencer.lead(term);
    for (const [docId, count] of this.counts) if (count > 0) this.armIdle(docId);
  }

  /** This node is no longer leader. */
  stepDown(): void {
    this.sequencer.stepDown();
    this.announcing.clear();
    for (const t of this.idleTimers.values()) t.cancel();
    this.idleTimers.clear();
    for (const t of this.retransmitTimers.values()) t.cancel();
    this.retransmitTimers.clear();
  }

  /** The node stops: steps down and drops snapshot work still waiting its turn. */
  stop(): void {
    this.stepDown();
    this.paced.stop();
  }

  /** An update to `docId` was stored here; the leader snapshots every `everyUpdates`. */
  noteUpdate(docId: string): void {
    const c = (this.counts.get(docId) ?? 0) + 1;
    this.counts.set(docId, c);
    // Issue at every multiple (retransmitting an uncommitted one, or asking again while learning).
    // Run in its turn, the snapshot takes the updates counted until then off the count, not those
    // that arrived while it waited: they stay counted (for the next count or the idle trigger), as
    // if it had been issued at once.
    if (c % this.d.everyUpdates === 0 && this.sequencer.term !== null)
      this.paced.run(() => this.tryIssue(docId, c));
    else this.armIdle(docId);
  }

  /** Leader only: (re)start `docId`'s idle timer; when it fires with updates not yet covered, snapshot. */
  private armIdle(docId: string): void {
    const { idleMs, setTimer } = this.d;
    if (idleMs === undefined || idleMs <= 0 || setTimer === undefined || this.sequencer.term === null) return;
    this.idleTimers.get(docId)?.cancel();
    this.idleTimers.set(
      docId,
      setTimer(idleMs, () => {
        this.idleTimers.delete(docId);
        if ((this.counts.get(docId) ?? 0) > 0 && this.sequencer.term !== null) this.tryIssue(docId);
      }),
    );
  }

  /** Handle a snapshot message from a peer (in its turn, see {@link SnapshotReplicationDeps.defer}). */
  onMessage(from: NodeId, m: ClusterMessage): void {
    this.paced.run(() => this.handle(from, m));
  }

  private handle(from: NodeId, m: ClusterMessage): void {
    const store = this.d.host.store;
    switch (m.type) {
      case 'snapshot-query': {
        const answer = this.fence.answerQuery(m.docId, m.term);
        if (answer.persistPromisedTerm !== undefined)
          store.setMeta(PROMISE_KEY, String(answer.persistPromisedTerm));
        this.d.send(from, { type: 'snapshot-answer', docId: m.docId, term: m.term, highest: answer.highest });
        return;
      }
      case 'snapshot-answer':
        for (const e of this.sequencer.onQueryAnswer(from, m.docId, m.term, m.highest)) {
          if (e.type === 'learned') this.tryIssue(e.docId);
        }
        return;
      case 'snapshot-announce': {
        const promisedTerm = this.fence.promisedTerm;
        // A retransmission of the number stored here: "stored" again, nothing redone.
        const again = this.fence.holds(m.docId, m.number);
        const verdict = again ? { ok: true as const } : this.fence.accept(m.docId, m.number);
        if (again) this.logConfirmed(m.docId, m.number, promisedTerm);
        const reply = (accepted: boolean) =>
          this.d.send(from, {
            type: 'snapshot-reply',
            docId: m.docId,
            number: m.number,
            accepted,
            promisedTerm: this.fence.promisedTerm,
          });
        if (!verdict.ok || again) {
          reply(verdict.ok);
          return;
        }
        // The count is of updates since the last snapshot, which a new leader acts on (`lead`).
        // Near enough: an update stored here after the leader read its state waits for the
        // document's next update to trigger a snapshot.
        this.counts.set(m.docId, 0);
        if (this.d.keepsData !== false) ingestSnapshot(this.d.host, m, this.d.untracked);
        // "Stored" only once the number is durable; a failed write takes the acceptance back.
        this.writes.store(m).then(
          () => {
            // Stored, but a newer term's query was answered meanwhile: not "stored" for this leader.
            const live = this.fence.stored(m.docId, m.number);
            this.logAccepted(m.docId, m.number, promisedTerm);
            this.d.onSnapshot(m.docId);
            reply(live);
          },
          (err: unknown) => {
            this.fence.retract(m.docId, m.number);
            this.d.host.logger.warn(
              { err, docId: m.docId, snapshot: m.number },
              'snapshot number not stored',
            );
            reply(false);
          },
        );
        return;
      }
      case 'snapshot-reply':
        for (const e of this.sequencer.onAnnounceReply(from, m.docId, m.number, m.accepted, m.promisedTerm)) {
          if (e.type === 'committed') {
            this.announcing.delete(e.docId);
            this.retransmitTimers.get(e.docId)?.cancel();
            this.retransmitTimers.delete(e.docId);
            this.logCommitted(e.docId, e.number, e.ackers);
          }
          if (e.type === 'fenced') this.d.host.logger.info({ snapshot: e }, 'snapshot fenced');
        }
        return;
      default:
        return;
    }
  }

  /** Number `docId`'s next snapshot; `covered`: the count it takes off (default: all of it). */
  private tryIssue(docId: string, covered?: number): void {
    const r = this.sequencer.issue(docId);
    if (r.status === 'learning') {
      const term = this.sequencer.term;
      if (term !== null) this.broadcast({ type: 'snapshot-query', docId, term });
      return;
    }
    if (r.status === 'not-leader') return;
    const number = r.status === 'issued' ? r.number : r.inFlight;
    let taken = 0;
    if (r.status === 'issued') {
      const count = this.counts.get(docId) ?? 0;
      const left = covered === undefined ? 0 : Math.max(0, count - covered);
      taken = count - left;
      this.counts.set(docId, left);
    }
    const sent = this.announcing.get(docId);
    if (sent !== undefined && compareSnapshotNumbers(sent.number, number) === 0) {
      void sent.message.then((m) => m !== null && this.broadcast(m));
      return;
    }
    // The state is read once per number and the announcement kept until it commits, so a
    // retransmission (even one made before the first read finished) carries the same bytes. A
    // number just issued is stored with its version (durably, off the event loop) before it is
    // announced: this node counts itself among the nodes that store it, so no peer's reply may
    // commit it before that. A failed write gives the number back (issued again next time).
    const host = this.d.host;
    const at = (this.d.wallClock ?? Date.now)();
    let stored = false;
    const message = Promise.all([host.stateVector(docId), host.diff(docId, EMPTY_VECTOR())])
      .then(async ([stateVector, snapshot]): Promise<SnapshotAnnounceMessage | null> => {
        const m: SnapshotAnnounceMessage = {
          type: 'snapshot-announce',
          docId,
          number,
          at,
          stateVector,
          snapshot,
        };
        if (r.status !== 'issued') {
          this.writes.keepVersion(m);
          return m;
        }
        await this.writes.store(m);
        stored = true;
        if (!this.fence.stored(docId, number)) {
          // A newer leader's query was answered while this was written: it never commits.
          this.sequencer.outdated(number);
          return null;
        }
        this.logAccepted(docId, number, number.term);
        if (r.committed) this.logCommitted(docId, number, [this.d.nodeId]);
        return m;
      })
      .catch((err: unknown) => {
        // The state could not be read or the number not written: nothing was announced.
        if (r.status === 'issued' && !stored) {
          this.giveBack(docId, number, taken);
          this.d.host.logger.warn({ err, docId, snapshot: number }, 'snapshot number not stored');
        }
        return null;
      });
    this.announcing.set(docId, { number, message });
    void message.then((m) => m !== null && this.broadcast(m));
    if (!(r.status === 'issued' && r.committed)) this.armRetransmit(docId, number, MAX_RETRANSMITS);
  }

  /** Leader: resend `number`'s announcement on a timer while it stays uncommitted. */
  private armRetransmit(docId: string, number: SnapshotNumber, left: number): void {
    const { setTimer } = this.d;
    if (setTimer === undefined || left <= 0) return;
    this.retransmitTimers.get(docId)?.cancel();
    this.retransmitTimers.set(
      docId,
      setTimer(this.d.retransmitMs ?? 1000, () => {
        this.retransmitTimers.delete(docId);
        const inFlight = this.sequencer.inFlight(docId);
        const sent = this.announcing.get(docId);
        if (inFlight === null || sent === undefined || compareSnapshotNumbers(inFlight, number) !== 0) return;
        void sent.message.then((m) => m !== null && this.broadcast(m));
        this.armRetransmit(docId, number, left - 1);
      }),
    );
  }

  /** Leader: `number` of `docId` could not be stored; forget it, so the next issue numbers it again. */
  private giveBack(docId: string, number: SnapshotNumber, taken: number): void {
    this.fence.retract(docId, number);
    this.sequencer.abandon(docId, number);
    const sent = this.announcing.get(docId);
    if (sent !== undefined && compareSnapshotNumbers(sent.number, number) === 0)
      this.announcing.delete(docId);
    this.retransmitTimers.get(docId)?.cancel();
    this.retransmitTimers.delete(docId);
    // The updates it was to cover are uncovered again: the idle trigger (or the next count) retries.
    this.counts.set(docId, (this.counts.get(docId) ?? 0) + taken);
    this.armIdle(docId);
  }

  private broadcast(m: ClusterMessage): void {
    for (const p of this.d.members) if (p !== this.d.nodeId) this.d.send(p, m);
  }

  private logAccepted(docId: string, n: SnapshotNumber, promisedTerm: number): void {
    this.d.host.logger.info(
      { snapshot: { type: 'snapshot-accepted', docId, term: n.term, seq: n.seq, promisedTerm } },
      'snapshot accepted',
    );
  }

  /** A retransmitted announcement of a number stored here was answered "stored" again. */
  private logConfirmed(docId: string, n: SnapshotNumber, promisedTerm: number): void {
    this.d.host.logger.info(
      { snapshot: { type: 'snapshot-confirmed', docId, term: n.term, seq: n.seq, promisedTerm } },
      'snapshot confirmed again',
    );
  }

  private logCommitted(docId: string, n: SnapshotNumber, ackers: NodeId[]): void {
    this.committed.set(docId, n);
    this.d.host.logger.info(
      { snapshot: { type: 'snapshot-committed', docId, term: n.term, seq: n.seq, ackers } },
      'snapshot committed',
    );
    this.d.onSnapshot(docId);
  }
}
