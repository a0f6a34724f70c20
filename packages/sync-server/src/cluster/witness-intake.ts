/**
 * A full replica's side of a witness's hand-over (`witness-offer`): the updates a witness holds,
 * each with the stamp its origin forwarded it with, taken in only once what they may follow is
 * here, so that a witness never shows this node a write without the writes it followed
 * (writes-follow-reads; see {@link CausalForwarding.assess}).
 *
 * - A **probe** (`probeId` > 0): the entries that are ready are applied at once (and counted in
 *   the frontier); once none is blocked and all are durable, the probe is acknowledged, which
 *   lets the witness drop them. A blocked entry makes this node pull from its full peers; the
 *   witness probes again later and finds it ready then.
 * - A **read answer** (`reqId` > 0): it counts toward the join's read quorum only once none of
 *   its entries is blocked, with the ready ones as its update; until then it is looked at again
 *   every {@link READ_RECHECK_MS} while the read is open (pulls are under way). A read whose time
 *   runs out first goes without it (and says so with `readQuorum: false` if it was needed).
 */
import { mergeUpdates } from '@accord/core';
import {
  addsToCoverage,
  DecodeError,
  encodeStateVectorMap,
  encodeUpdate,
  type UpdateCoverage,
} from '@accord/core/protocol';
import type { NodeId } from '../election/types.js';
import type { ReplicaHost } from '../relay/replicator.js';
import type { Scheduler } from '../time/scheduler.js';
import type { CausalForwarding, EntryVerdict } from './causal-forwarding.js';
import type { ClusterMessage, WitnessEntry, WitnessOfferMessage } from './messages.js';
import type { QuorumReads } from './quorum-reads.js';

/** How often a read answer with blocked entries is looked at again (ms). */
export const READ_RECHECK_MS = 25;
/** How often a probe with blocked entries is looked at again (ms). */
export const PROBE_RECHECK_MS = 50;
/** How many times at most a probe with blocked entries is looked at (then the witness's next probe). */
export const PROBE_RECHECKS = 40;

/** A probe being taken in: which entries are here, their commits, how often it was looked at. */
interface ProbeState {
  readonly done: boolean[];
  readonly durable: Promise<void>[];
  looks: number;
  failed: boolean;
}

const EMPTY_UPDATE = encodeUpdate({ records: [], deletes: new Map() });
const EMPTY_STATE_VECTOR = encodeStateVectorMap(new Map());

/** What a {@link WitnessIntake} needs from its node. */
export interface WitnessIntakeDeps {
  readonly host: Pick<ReplicaHost, 'ingestNow' | 'logger'>;
  /** What this node stores of a document (state vector and deletions). */
  readonly coverage: (docId: string) => UpdateCoverage;
  /** The node's causal forwarding. */
  readonly causal: CausalForwarding;
  /** Data of `docId` was taken in that may follow more than this node's frontier says. */
  readonly untracked: (docId: string) => void;
  readonly reads: QuorumReads;
  readonly scheduler: Pick<Scheduler, 'setTimer'>;
  readonly send: (to: NodeId, m: ClusterMessage) => void;
}

/** Takes in witnesses' offers on a full replica. */
export class WitnessIntake {
  constructor(private readonly d: WitnessIntakeDeps) {}

  /** A witness's offer arrived from `from`. */
  onOffer(from: NodeId, m: WitnessOfferMessage): void {
    if (m.probeId > 0) this.probe(from, m);
    else if (m.reqId > 0) this.readAnswer(from, m);
  }

  /**
   * Which of `m`'s entries add nothing to what this node stores, or null when that cannot be read
   * (a corrupt stored row: nothing is taken in). A malformed entry is never present.
   */
  private presence(m: WitnessOfferMessage): boolean[] | null {
    let stored: UpdateCoverage;
    try {
      stored = this.d.coverage(m.docId);
    } catch (e) {
      if (e instanceof DecodeError) return null;
      throw e;
    }
    return m.entries.map((entry) => {
      try {
        return !addsToCoverage(stored, entry.update);
      } catch (e) {
        if (e instanceof DecodeError) return false;
        throw e;
      }
    });
  }

  /** Verdicts on `m`'s entries given their `present`ce. */
  private assess(m: WitnessOfferMessage, present: readonly boolean[]): EntryVerdict[] {
    return this.d.causal.assess(m.docId, m.entries, (i) => present[i] === true);
  }

  /**
   * Take in what is ready of a probe; acknowledge it once nothing is blocked and all is durable.
   * While something is blocked (pulls under way) the same probe is looked at again every
   * {@link PROBE_RECHECK_MS}, at most {@link PROBE_RECHECKS} times: the witness does not send it
   * again before its probe times out, so waiting for that would hold the hand-over for seconds.
   */
  private probe(from: NodeId, m: WitnessOfferMessage, known?: ProbeState): void {
    const done = known?.done ?? this.presence(m);
    if (done === null) return;
    const state = known ?? { done, durable: [], looks: 0, failed: false };
    const verdicts = this.assess(m, state.done);
    let blocked = false;
    const ready: number[] = [];
    for (let i = 0; i < m.entries.length; i++) {
      const v = verdicts[i];
      if (v === 'blocked') blocked = true;
      else if (v === 'ready') ready.push(i);
    }
    const taken = this.takeIn(m, ready, state);
    for (let i = 0; i < m.entries.length; i++) {
      const entry = m.entries[i];
      if (entry !== undefined && (verdicts[i] === 'present' || taken.has(i)))
        this.d.causal.commitEntry(m.docId, entry);
    }
    // Conservative: a peer that takes in a forward of ours next pulls from us first.
    if (taken.size > 0) this.d.untracked(m.docId);
    if (blocked && !state.failed && ++state.looks < PROBE_RECHECKS) {
      this.d.scheduler.setTimer(PROBE_RECHECK_MS, () => this.probe(from, m, state));
      return;
    }
    const complete = !blocked && !state.failed;
    Promise.all(state.durable).then(
      () => {
        if (complete) this.d.send(from, { type: 'replicate-ack', docId: m.docId, updateId: m.probeId });
      },
      (e: unknown) => this.d.host.logger.warn({ err: e, from, docId: m.docId }, 'witness update not stored'),
    );
  }

  /**
   * Apply the entries `ready` of a probe: merged into one update (one log entry here, not one
   * per update), or one by one when that fails on bad bytes, so the good ones still go in.
   * Returns the entries applied; a bad one marks the probe failed (never acknowledged).
   */
  private takeIn(m: WitnessOfferMessage, ready: readonly number[], state: ProbeState): Set<number> {
    const taken = new Set<number>();
    if (ready.length === 0) return taken;
    const updates = ready.map((i) => (m.entries[i] as WitnessEntry).update);
    try {
      state.durable.push(
        this.d.host.ingestNow(
          m.docId,
          updates.length === 1 ? (updates[0] as Uint8Array) : mergeUpdates(updates),
        ),
      );
      for (const i of ready) {
        taken.add(i);
        state.done[i] = true;
      }
      return taken;
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
    }
    for (const i of ready) {
      try {
        state.durable.push(this.d.host.ingestNow(m.docId, (m.entries[i] as WitnessEntry).update));
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        state.failed = true; // bad bytes: never acknowledged, the witness keeps them
        continue;
      }
      taken.add(i);
      state.done[i] = true;
    }
    return taken;
  }

  private readAnswer(from: NodeId, m: WitnessOfferMessage, known?: readonly boolean[]): void {
    if (!this.d.reads.isOpen(m.reqId, m.docId)) return;
    // Read once per answer (the stored document may be large): an entry found missing then and
    // brought since by a pull is judged by the frontier, or by its node's answer.
    const present = known ?? this.presence(m);
    if (present === null) return;
    const verdicts = this.assess(m, present);
    if (verdicts.includes('blocked')) {
      this.d.scheduler.setTimer(READ_RECHECK_MS, () => this.readAnswer(from, m, present));
      return;
    }
    const ready: Uint8Array[] = [];
    for (let i = 0; i < m.entries.length; i++) {
      const entry = m.entries[i];
      if (entry !== undefined && verdicts[i] === 'ready') ready.push(entry.update);
    }
    let update = EMPTY_UPDATE;
    try {
      if (ready.length > 0) update = mergeUpdates(ready);
    } catch (e) {
      if (e instanceof DecodeError) return; // malformed bytes: the answer counts for nothing
      throw e;
    }
    this.d.reads.answer(from, m.reqId, m.docId, update, EMPTY_STATE_VECTOR);
  }
}
