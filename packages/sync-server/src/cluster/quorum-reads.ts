/**
 * Bookkeeping of quorum reads: a joining client's document is merged from R nodes, this one and
 * R - 1 peers. A read asks every peer for what it holds beyond the joiner's state vector and
 * completes with the first R - 1 distinct answers, or with whatever arrived when its time is up
 * (a partition must not hang a join; the client still gets this node's state and catches up by
 * anti-entropy).
 *
 * Answers are matched by request, not by document: each read has its own request id, echoed in
 * the replies, so a reply given before the read began (to catch-up, or to an earlier join of the
 * same document) never counts for it. A write acknowledged before the read began is held by W
 * nodes, and R + W > N makes one of the answers hold it.
 *
 * A read may also want a session vector covered (a client failing over carries what it read and
 * had acknowledged): it then waits, beyond its R − 1 answers, for answers whose state vectors
 * together with this node's cover that vector, until its time is up. A peer whose answer did not
 * cover it is asked again every {@link SESSION_REASK_MS} (it may be catching up from a node this
 * one cannot reach); only its latest answer is kept, so a read holds at most one per peer.
 *
 * A request sent on a link that was down, or that broke before the answer came, is lost with the
 * link; the peer is asked again when its link comes back, so a read waits for the peer's return
 * rather than for its timeout.
 */
import {
  addsToCoverage,
  coverageOf,
  coversVector,
  DecodeError,
  decodeStateVector,
} from '@accord/core/protocol';
import type { NodeId } from '../election/types.js';
import type { ReadStateResult } from '../relay/replicator.js';
import type { Scheduler, TimerHandle } from '../time/scheduler.js';

/** How often a read that wants a session vector asks again the peers whose answers fell short. */
export const SESSION_REASK_MS = 100;

/** Answers longer than this are taken to hold data without decoding them (an empty one is 5 bytes). */
const EMPTY_ANSWER_MAX_BYTES = 32;

/** Coverage of nothing: an update adds to it when it carries any struct or deletion. */
const NOTHING = coverageOf([]);

/**
 * Whether a peer's answer `update` may bring data: false only for an update that decodes to no
 * run and no deletion (what a peer holding nothing the reader lacks answers). Malformed bytes
 * count as data: the caller stays on the safe side, and the relay refuses them when applying.
 */
export function answerHoldsData(update: Uint8Array): boolean {
  if (update.length > EMPTY_ANSWER_MAX_BYTES) return true;
  try {
    return addsToCoverage(NOTHING, update);
  } catch (e) {
    if (e instanceof DecodeError) return true;
    throw e;
  }
}

interface PendingRead {
  readonly reqId: number;
  readonly docId: string;
  readonly need: number;
  /** The latest answer of each peer that answered. */
  readonly answers: Map<NodeId, Uint8Array>;
  /** A session vector to cover, or null. */
  readonly want: ReadonlyMap<number, number> | null;
  /** What this node and the answers so far hold (pointwise max). */
  readonly have: Map<number, number>;
  covered: boolean;
  readonly ask: (peer: NodeId, reqId: number) => void;
  readonly resolve: (result: ReadStateResult) => void;
  readonly timer: TimerHandle;
  reask: TimerHandle | null;
}

/** The quorum reads a node has in flight. */
export class QuorumReads {
  private readonly reads = new Map<number, PendingRead>();
  /** The last request id given (ids start at 1; 0 marks catch-up requests). */
  private lastId = 0;

  constructor(private readonly scheduler: Scheduler) {}

  /** Reads in flight. */
  get size(): number {
    return this.reads.size;
  }

  /**
   * Start a read of `docId` that needs `need` peer answers; `ask(peer, reqId)` sends one peer the
   * request, and is called for each of `peers` now and again for a peer whose link comes back
   * ({@link peerUp}). Resolves with the answers' updates once `need` distinct peers answered this
   * read (`readQuorum: true`), or with what arrived when `timeoutMs` passed (`readQuorum: false`).
   * With `session` (`want`: the session vector, `have`: this node's own state vector) it also
   * waits until the answers' state vectors together with `have` cover `want`, or the time is up.
   */
  begin(
    docId: string,
    need: number,
    timeoutMs: number,
    peers: readonly NodeId[],
    ask: (peer: NodeId, reqId: number) => void,
    session?: { want: ReadonlyMap<number, number>; have: ReadonlyMap<number, number> },
  ): Promise<ReadStateResult> {
    return new Promise((resolve) => {
      this.lastId = this.lastId >= Number.MAX_SAFE_INTEGER ? 1 : this.lastId + 1;
      const reqId = this.lastId;
      const read: PendingRead = {
        reqId,
        docId,
        need,
        answers: new Map(),
        want: session?.want ?? null,
        have: new Map(session?.have ?? []),
        covered: session === undefined || coversVector(session.have, session.want),
        ask,
        resolve,
        timer: this.scheduler.setTimer(timeoutMs, () => this.finish(read)),
        reask: null,
      };
      this.reads.set(reqId, read);
      if (need <= 0 && read.covered) {
        this.finish(read);
        return;
      }
      for (const p of peers) ask(p, reqId);
    });
  }

  /**
   * A peer's answer to request `reqId` about `docId` with the peer's state vector: counts once
   * per peer towards that read (an answer to another request, a finished read or another
   * document counts for nothing). A later answer of the same peer (asked again for a session)
   * replaces its earlier one. A malformed vector counts for the quorum, not for the session.
   */
  answer(from: NodeId, reqId: number, docId: string, update: Uint8Array, stateVector: Uint8Array): void {
    const r = this.reads.get(reqId);
    if (r === undefined || r.docId !== docId) return;
    if (r.answers.has(from) && r.covered) return;
    r.answers.set(from, update);
    if (!r.covered) {
      try {
        for (const [client, clock] of decodeStateVector(stateVector))
          if (clock > (r.have.get(client) ?? 0)) r.have.set(client, clock);
        r.covered = r.want === null || coversVector(r.have, r.want);
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
      }
    }
    if (r.answers.size >= r.need && r.covered) this.finish(r);
    else if (!r.covered && r.reask === null)
      r.reask = this.scheduler.setTimer(SESSION_REASK_MS, () => this.reask(r));
  }

  /** Whether read `reqId` of `docId` is still waiting for answers. */
  isOpen(reqId: number, docId: string): boolean {
    return this.reads.get(reqId)?.docId === docId;
  }

  /** `peer`'s link came (back) up: ask it again for every read it has not answered. */
  peerUp(peer: NodeId): void {
    for (const r of this.reads.values()) if (!r.answers.has(peer)) r.ask(peer, r.reqId);
  }

  /** Complete every read with what it has (node stopping). */
  stop(): void {
    for (const r of [...this.reads.values()]) this.finish(r);
  }

  /** Ask again every peer whose answer left the session vector uncovered. */
  private reask(r: PendingRead): void {
    r.reask = null;
    if (this.reads.get(r.reqId) !== r || r.covered) return;
    for (const peer of r.answers.keys()) r.ask(peer, r.reqId);
  }

  private finish(r: PendingRead): void {
    if (this.reads.get(r.reqId) !== r) return;
    r.timer.cancel();
    r.reask?.cancel();
    this.reads.delete(r.reqId);
    r.resolve({ updates: [...r.answers.values()], readQuorum: r.answers.size >= r.need });
  }
}
