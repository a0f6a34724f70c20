/**
 * The linearizable compare-and-set register of a cluster: single-decree Paxos per write, with
 * the election's leader as the only proposer and its term as the ballot.
 *
 * - Take-over: before a leader of term T serves any operation on a document it runs a prepare
 *   round: a majority (itself included) promises T and answers its records; per key the leader
 *   adopts the highest version (term, seq) and writes it back to a majority under T (a write the
 *   old leader left on a minority is then either durable everywhere that matters, or never seen
 *   again). Bully election does not elect the most up-to-date node; this round makes that safe.
 * - A successful compare-and-set is stored on the leader, then on a majority (each stores it
 *   durably before answering), then answered. A failed one (value ≠ expected) is a read: it is
 *   answered at once while the leader holds a read lease in T (a majority promised not to vote
 *   or stand until after the lease ends: see `election/read-lease.ts`), else only after a
 *   confirmation round (an empty write) that a majority accepts under T; either way no newer
 *   leader can have written anything before it was invoked. Every read tells the election that
 *   reads are served, so its heartbeats ask for promises (the first read after an idle spell
 *   pays the round; the ones after it are served under the lease).
 * - Fencing: a node accepts a prepare or write only from the leader it follows in its current
 *   term, and never of a term older than its promise, so a stale leader (paused, partitioned)
 *   cannot complete an operation once a newer term exists on a majority.
 * - Exactly-once retries: the op id of each successful write is stored with the record; a retry
 *   answers the first outcome.
 *
 * Operations on one document run one at a time (a bounded queue); documents are independent.
 * Time and timers are injected. Untrusted peers' messages are range-checked by the codec.
 */
import type { CasStatus, RegisterValue } from '@accord/core/protocol';
import type { NodeId } from '../election/types.js';
import type { TimerHandle } from '../time/scheduler.js';
import type { RegisterMessage } from './register-messages.js';
import {
  adoptHighest,
  type CasRequest,
  decideCas,
  highestSeqOf,
  type RegisterEntry,
  type RegisterRecord,
} from './register-state.js';
import type { RegisterStore } from './register-store.js';

/** The outcome of a compare-and-set, as the client protocol's `cas-result` carries it. */
export interface CasOutcome {
  readonly status: CasStatus;
  readonly ok: boolean;
  readonly value: RegisterValue;
}

/** Operations queued per document before new ones are answered `retry`. */
export const MAX_QUEUED_PER_DOC = 256;

const RETRY: CasOutcome = { status: 'retry', ok: false, value: null };
const UNKNOWN: CasOutcome = { status: 'unknown', ok: false, value: null };

/** What the register needs from its node. */
export interface RegisterReplicationOptions {
  nodeId: NodeId;
  members: readonly NodeId[];
  store: RegisterStore;
  send(to: NodeId, m: RegisterMessage): void;
  setTimer(ms: number, fn: () => void): TimerHandle;
  /** The election as this node sees it now. */
  election(): { term: number; leader: NodeId | null; isLeader: boolean };
  /** How long one round waits for a majority (ms). */
  roundTimeoutMs: number;
  /**
   * Read leases (optional; without it every read takes a confirmation round). `noteRead`: a read
   * is being served (the leader asks for promises); `holds(term)`: this node leads `term` and
   * holds a read lease now.
   */
  readLease?: { noteRead(): void; holds(term: number): boolean };
}

/** How the reads this node served as leader were confirmed (see {@link RegisterReplication.readStats}). */
export interface RegisterReadStats {
  /** Reads answered under a read lease, without a round. */
  lease: number;
  /** Reads answered after a confirmation round. */
  confirmed: number;
}

interface DocState {
  term: number;
  ready: boolean;
  records: Map<string, RegisterRecord>;
  seq: number;
  queued: number;
  tail: Promise<unknown>;
}

interface Round {
  need: number;
  acks: Set<NodeId>;
  refused: Set<NodeId>;
  answers: RegisterEntry[][];
  finish: (ok: boolean) => void;
  docId: string;
}

interface Forward {
  resolve: (o: CasOutcome) => void;
  timer: TimerHandle;
}

/** The register side of one cluster node. */
export class RegisterReplication {
  private readonly docs = new Map<string, DocState>();
  private readonly rounds = new Map<number, Round>();
  private readonly forwards = new Map<number, Forward>();
  private nextReq = 1;
  private readonly stats: RegisterReadStats = { lease: 0, confirmed: 0 };
  private readonly majority: number;
  private readonly peers: NodeId[];

  constructor(private readonly o: RegisterReplicationOptions) {
    this.majority = Math.floor(o.members.length / 2) + 1;
    this.peers = o.members.filter((m) => m !== o.nodeId);
  }

  /**
   * Compare-and-set `req` on `docId`. On the leader: queued behind the document's earlier
   * operations and served; on a follower: forwarded to the leader. Never rejects: `retry` when
   * there is no leader (nothing applied), `unknown` when the outcome could not be learned.
   */
  cas(docId: string, req: CasRequest, forwarded = false): Promise<CasOutcome> {
    const e = this.o.election();
    if (!e.isLeader) {
      if (e.leader === null || forwarded) return Promise.resolve(RETRY);
      return this.forward(e.leader, docId, req);
    }
    let doc = this.docs.get(docId);
    if (doc === undefined) {
      doc = { term: 0, ready: false, records: new Map(), seq: 0, queued: 0, tail: Promise.resolve() };
      this.docs.set(docId, doc);
    }
    if (doc.queued >= MAX_QUEUED_PER_DOC) return Promise.resolve(RETRY);
    doc.queued++;
    const state = doc;
    const run = state.tail.then(() => this.serve(docId, state, req, e.term));
    state.tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run
      .catch(() => UNKNOWN)
      .finally(() => {
        state.queued--;
      });
  }

  /** How many reads this node answered as leader, by lease and by confirmation round. */
  readStats(): RegisterReadStats {
    return { ...this.stats };
  }

  /** Handle a register message from peer `from`. */
  onMessage(from: NodeId, m: RegisterMessage): void {
    switch (m.type) {
      case 'register-prepare': {
        const accepted = this.admits(from, m.term);
        if (accepted) {
          this.o.store.promiseTerm(m.term);
          this.forgetOlder(m.docId, m.term);
        }
        const records = accepted ? this.o.store.load(m.docId) : [];
        this.o.send(from, {
          type: 'register-promise',
          docId: m.docId,
          term: m.term,
          reqId: m.reqId,
          accepted,
          records,
        });
        return;
      }
      case 'register-write': {
        const accepted = this.admits(from, m.term);
        if (accepted) {
          this.o.store.promiseTerm(m.term);
          this.forgetOlder(m.docId, m.term);
          this.o.store.put(m.docId, m.records);
        }
        this.o.send(from, {
          type: 'register-written',
          docId: m.docId,
          term: m.term,
          reqId: m.reqId,
          accepted,
        });
        return;
      }
      case 'register-promise':
        this.answer(from, m.reqId, m.docId, m.accepted, m.records);
        return;
      case 'register-written':
        this.answer(from, m.reqId, m.docId, m.accepted, null);
        return;
      case 'register-forward': {
        const { reqId, docId, opId, key, expected, next } = m;
        void this.cas(docId, { opId, key, expected, next }, true).then((o) =>
          this.o.send(from, { type: 'register-forwarded', reqId, ...o }),
        );
        return;
      }
      case 'register-forwarded': {
        const f = this.forwards.get(m.reqId);
        if (f === undefined) return;
        this.forwards.delete(m.reqId);
        f.timer.cancel();
        f.resolve({ status: m.status, ok: m.ok, value: m.value });
        return;
      }
    }
  }

  /** The node stepped down or its term changed: every document must be taken over again. */
  reset(): void {
    for (const d of this.docs.values()) d.ready = false;
    for (const r of [...this.rounds.values()]) r.finish(false);
  }

  /** Fail everything pending (shutdown). */
  stop(): void {
    this.reset();
    for (const [id, f] of [...this.forwards]) {
      this.forwards.delete(id);
      f.timer.cancel();
      f.resolve(UNKNOWN);
    }
  }

  /**
   * Whether a prepare or write of `term` from `from` passes this node's fences: `term` is not
   * older than the promise, and `from` is the leader this node follows in `term`, its current
   * term. The second fence also keeps a confused (or hostile) authenticated peer from raising
   * the promise to a term no leader holds, which would stall the register; a new leader that
   * this node has not heard yet is refused and its client retries.
   */
  private admits(from: NodeId, term: number): boolean {
    const e = this.o.election();
    return term >= this.o.store.promise() && term === e.term && e.leader === from;
  }

  /** A newer leader wrote here: what this node knew as leader of an older term is stale. */
  private forgetOlder(docId: string, term: number): void {
    const d = this.docs.get(docId);
    if (d !== undefined && d.term < term) d.ready = false;
  }

  private stillLeader(term: number): boolean {
    const e = this.o.election();
    return e.isLeader && e.term === term && this.o.store.promise() <= term;
  }

  private async serve(docId: string, doc: DocState, req: CasRequest, term: number): Promise<CasOutcome> {
    if (!this.stillLeader(term)) return RETRY;
    if (!doc.ready || doc.term !== term) {
      if (!(await this.takeOver(docId, doc, term))) return RETRY;
    }
    const d = decideCas(doc.records, req, { term, seq: doc.seq + 1 });
    if (d.refused) return { status: 'refused', ok: false, value: d.value };
    if (d.write === null) {
      // A read: linearizable under a lease (no newer leader before it ends), else only once a
      // majority confirms no newer term has begun.
      this.o.readLease?.noteRead();
      if (this.stillLeader(term) && this.o.readLease?.holds(term) === true) {
        this.stats.lease++;
        return { status: 'done', ok: d.ok, value: d.value };
      }
      const confirmed = this.stillLeader(term) && (await this.round(docId, term, 'write', [])).ok;
      if (confirmed) this.stats.confirmed++;
      return confirmed ? { status: 'done', ok: d.ok, value: d.value } : RETRY;
    }
    if (!this.stillLeader(term)) return RETRY;
    const entry: RegisterEntry = { key: req.key, record: d.write };
    doc.seq = d.write.seq;
    doc.records.set(req.key, d.write);
    this.o.store.put(docId, [entry]);
    const written = await this.round(docId, term, 'write', [entry]);
    if (written.ok) return { status: 'done', ok: true, value: d.value };
    // On a minority, perhaps: the next operation takes over again and settles it either way.
    doc.ready = false;
    return UNKNOWN;
  }

  /** Prepare, adopt the highest version per key, write it back under `term`. */
  private async takeOver(docId: string, doc: DocState, term: number): Promise<boolean> {
    if (this.o.store.promise() > term) return false;
    this.o.store.promiseTerm(term);
    const prepared = await this.round(docId, term, 'prepare', null);
    if (!prepared.ok || !this.stillLeader(term)) return false;
    const adopted = adoptHighest([this.o.store.load(docId), ...prepared.answers]);
    const seq = highestSeqOf(adopted, term) + 1;
    const entries: RegisterEntry[] = [...adopted].map(([key, r]) => ({
      key,
      record: { ...r, term, seq },
    }));
    this.o.store.put(docId, entries);
    const written = await this.round(docId, term, 'write', entries);
    if (!written.ok || !this.stillLeader(term)) return false;
    doc.term = term;
    doc.seq = seq;
    doc.records = new Map(entries.map((e) => [e.key, e.record]));
    doc.ready = true;
    return true;
  }

  /**
   * One round to every peer; resolves `ok` once a majority (this node counted) accepted, not ok
   * once too many refused for a majority, or at the timeout.
   */
  private round(
    docId: string,
    term: number,
    kind: 'prepare' | 'write',
    records: RegisterEntry[] | null,
  ): Promise<{ ok: boolean; answers: RegisterEntry[][] }> {
    const need = this.majority - 1;
    if (need <= 0) return Promise.resolve({ ok: true, answers: [] });
    const reqId = this.nextReq++;
    return new Promise((resolve) => {
      const answers: RegisterEntry[][] = [];
      const timer = this.o.setTimer(this.o.roundTimeoutMs, () => round.finish(false));
      const round: Round = {
        need,
        acks: new Set(),
        refused: new Set(),
        answers,
        docId,
        finish: (ok) => {
          if (!this.rounds.delete(reqId)) return;
          timer.cancel();
          resolve({ ok, answers });
        },
      };
      this.rounds.set(reqId, round);
      for (const p of this.peers) {
        if (kind === 'prepare') this.o.send(p, { type: 'register-prepare', docId, term, reqId });
        else this.o.send(p, { type: 'register-write', docId, term, reqId, records: records ?? [] });
      }
    });
  }

  private answer(
    from: NodeId,
    reqId: number,
    docId: string,
    accepted: boolean,
    records: RegisterEntry[] | null,
  ): void {
    const r = this.rounds.get(reqId);
    // An answer counts only for the round and document it names, once per peer.
    if (r === undefined || r.docId !== docId || !this.peers.includes(from)) return;
    if (r.acks.has(from) || r.refused.has(from)) return;
    if (!accepted) {
      // Refused (a newer term, or a peer that does not follow us yet): fail as soon as a
      // majority can no longer be reached.
      r.refused.add(from);
      if (r.refused.size > this.peers.length - r.need) r.finish(false);
      return;
    }
    r.acks.add(from);
    if (records !== null) r.answers.push(records);
    if (r.acks.size >= r.need) r.finish(true);
  }

  private forward(leader: NodeId, docId: string, req: CasRequest): Promise<CasOutcome> {
    const reqId = this.nextReq++;
    return new Promise((resolve) => {
      // The leader may need a take-over (two rounds) and a write round.
      const timer = this.o.setTimer(this.o.roundTimeoutMs * 4, () => {
        if (this.forwards.delete(reqId)) resolve(UNKNOWN);
      });
      this.forwards.set(reqId, { resolve, timer });
      this.o.send(leader, { type: 'register-forward', reqId, docId, ...req });
    });
  }
}
