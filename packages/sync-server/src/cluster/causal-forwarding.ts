/**
 * Writes-follow-reads across nodes: a node never shows a forwarded client write before the
 * writes it may have followed.
 *
 * A node forwards each client write straight to every peer. Without more, node 3 could take in
 * write B (forwarded by node 2, whose client had read A there) before A itself (forwarded by node
 * 1 over a slower or broken link), and show B without A. So every forward carries a
 * {@link CausalStamp}: the sender's position in its own forwards of that document (an epoch and
 * a sequence number) and how far it has taken in every other node's forwards of it (its receive
 * frontier). The receiver takes a forward in only when its own frontier covers the stamp;
 * otherwise it holds it, and after a short wait (the missing forward is usually on its way) asks
 * the sender for everything it lacks (`causal-pull`). The sender answers from memory with the
 * difference and its frontier at that instant (`causal-fill`); once that is taken in, every
 * forward held from that sender is taken in too, since the fill holds all they could follow.
 *
 * Data that reaches a node outside the stamped forwards (catch-up, a join's quorum read, a
 * witness's hand-over, a fill from a node that holds such data) is not described by any
 * frontier. The node then marks the document "untracked" toward its peers: its next forward of
 * that document to each such peer asks it to pull first (`pull` in the stamp), and answering a
 * peer's pull clears the mark for that peer. A document's state created afresh (first use, or
 * evicted and used again) starts marked toward every peer and with a new epoch, so nothing it
 * forgot can be skipped. The exception is a document this node holds no data of (its room was
 * just loaded from an empty store, {@link CausalForwarding.heldNothing}): everything it takes in
 * from then on comes through forwards, fills, or the paths above that mark it, so its state
 * starts marked toward no peer. The first forward of an epoch (sequence number 1) that does not
 * ask for a pull follows nothing of its sender's, so a receiver that has taken in none of that
 * sender's forwards of the document takes it in without a pull once the rest of its stamp is
 * met: a new document's first forwards cost no pull and no fill.
 *
 * A witness keeps each forward it holds with its stamp and hands them over one by one; the full
 * replica judges them with {@link CausalForwarding.assess} (rules in `witness-entries.ts`): an
 * entry is taken in only once what its stamp names is here, or once the nodes it names answered
 * a pull, or, for a node that is down, once enough full replicas did.
 *
 * Pure: no I/O and no clock; timers come from the injected scheduler and messages leave through
 * callbacks. Bounded: at most `maxDocs` documents tracked (the least recently used without held
 * forwards are forgotten), at most `maxHeld` forwards and `maxHeldBytes` bytes held; a forward
 * over that bound is dropped unacknowledged and comes back through the sender's pull answer.
 * The per-document state and its bound live in `causal-docs.ts`, the pulls' timers in
 * `causal-pulls.ts`.
 */
import type { NodeId } from '../election/types.js';
import { CausalDocs, type DocCausal, type Held, type Position, waitsOn } from './causal-docs.js';
import { CausalPulls } from './causal-pulls.js';
import type { CausalForwardingOptions, CausalMark, CausalStamp, ReceiveOutcome } from './causal-types.js';
import {
  advancePosition,
  assessEntries,
  type EntryContext,
  type EntryVerdict,
  entryKey,
  type StampedEntry,
} from './witness-entries.js';

export type {
  CausalForwardingOptions,
  CausalMark,
  CausalStamp,
  ReceiveOutcome,
} from './causal-types.js';
export type { EntryVerdict, StampedEntry } from './witness-entries.js';

/** Witness entries remembered as blocked, per document (the oldest are forgotten first). */
const MAX_BLOCKED_PER_DOC = 1024;

/** One node's causal forwarding state, for every document it forwards or receives. */
export class CausalForwarding {
  private readonly o: CausalForwardingOptions;
  private readonly docs: CausalDocs;
  private readonly pulls: CausalPulls;
  private heldCount = 0;
  private heldBytes = 0;

  constructor(options: CausalForwardingOptions) {
    this.o = options;
    this.docs = new CausalDocs(options);
    this.pulls = new CausalPulls(this.docs, options);
  }

  /** Forwards held now, over all documents (for health and tests). */
  get held(): number {
    return this.heldCount;
  }

  /** Stamp a forward of a client write to `docId` (one number for the whole broadcast). */
  stamp(docId: string): { epoch: number; seq: number; deps: CausalMark[] } {
    const d = this.docs.use(docId);
    d.sent++;
    const deps: CausalMark[] = [];
    for (const [node, p] of d.recv) deps.push({ node, epoch: p.epoch, seq: p.seq });
    return { epoch: d.epoch, seq: d.sent, deps };
  }

  /**
   * Whether this node holds data of `docId` that some peer may lack outside any frontier (a
   * witness's copy of a forward asks its eventual reader, whoever that is, to pull first).
   */
  mustPullAny(docId: string): boolean {
    const d = this.docs.peek(docId);
    return d === undefined || d.untracked.size > 0;
  }

  /** Whether the next forward of `docId` to `peer` must ask it to pull first. */
  mustPull(docId: string, peer: NodeId): boolean {
    // Read only (asked once per peer per forward): a document not tracked yet would start
    // marked toward every peer.
    return this.docs.peek(docId)?.untracked.has(peer) ?? true;
  }

  /**
   * A forward of `bytes` bytes from `from` arrived: `deliver` (take it in and acknowledge it) now
   * if everything it follows is here, else hold it until a forward or a fill brings that.
   */
  receive(
    from: NodeId,
    docId: string,
    stamp: CausalStamp,
    bytes: number,
    deliver: () => void,
  ): ReceiveOutcome {
    const d = this.docs.use(docId);
    let queue = d.held.get(from);
    const h: Held = { stamp, bytes, deliver, filled: false };
    if (queue === undefined && this.ready(d, from, h)) {
      this.deliver(d, from, h);
      this.release(d);
      return 'delivered';
    }
    if (
      this.heldCount >= (this.o.maxHeld ?? 4096) ||
      this.heldBytes + bytes > (this.o.maxHeldBytes ?? 64 * 1024 * 1024)
    ) {
      // Dropped unacknowledged: the sender's answer to a pull brings it back. With a pull to it
      // already due (its timer) or sent and not answered (its retry timer), that one does: the
      // sender sent this forward before its answer (links are FIFO), so the answer holds it, and
      // the retry asks again while anything is owed. Pulling at once per dropped forward made an
      // overloaded node send a pull (and its sender compute a difference) per forward over the bound.
      d.owed.add(from);
      if (!d.pulls.has(from)) this.pulls.schedule(docId, d, from, 0);
      return 'dropped';
    }
    if (queue === undefined) {
      queue = [];
      d.held.set(from, queue);
    }
    queue.push(h);
    this.heldCount++;
    this.heldBytes += bytes;
    // A gap in the sender's own forwards or data outside its frontier: nothing to wait for.
    const ownGap = stamp.pull || !this.followsOwn(d, from, stamp);
    this.pulls.schedule(docId, d, from, ownGap ? 0 : (this.o.waitMs ?? 50));
    return 'held';
  }

  /**
   * `from`'s answer to a pull was just applied (call this in the same turn, before anything else
   * is forwarded or received): it held everything `from` had when it answered, described by
   * `frontier` (its own mark included), so every forward held from `from` (all sent before the
   * answer, links being FIFO) is delivered, and whatever that makes ready. `untracked`: the peers
   * that may still lack data of the answer outside any frontier; this node holds that data now,
   * so it owes them a pull too.
   */
  filled(from: NodeId, docId: string, frontier: readonly CausalMark[], untracked: readonly NodeId[]): void {
    const d = this.docs.use(docId);
    for (const m of frontier) {
      if (m.node === this.o.self) continue;
      const r = d.recv.get(m.node);
      if (r === undefined || r.epoch !== m.epoch) d.recv.set(m.node, { epoch: m.epoch, seq: m.seq });
      else if (m.seq > r.seq) r.seq = m.seq;
    }
    for (const p of untracked)
      if (p !== this.o.self && p !== from && this.o.peers.includes(p)) d.untracked.add(p);
    for (const h of d.held.get(from) ?? []) h.filled = true;
    d.owed.delete(from);
    // The answer describes the sender no earlier than when the pull it answers was sent: the
    // earliest one still unanswered (links are FIFO). An answer to no recorded pull counts not.
    const sentAt = d.pullSentAt.get(from);
    if (sentAt !== undefined) d.filledAt.set(from, sentAt);
    d.pullSentAt.delete(from);
    d.silent.delete(from);
    this.pulls.cancel(d, from);
    this.release(d);
    // Forwards that arrived after the answer may still miss something: the usual wait, then a pull.
    if (waitsOn(d, from)) this.pulls.schedule(docId, d, from, this.o.waitMs ?? 50);
  }

  /**
   * This node answers `peer`'s pull of `docId` now: the frontier to send with the answer
   * (computed in the same turn as the answer's difference), and the other peers that may still
   * lack data of it outside that frontier (only they: passing on the whole mark would keep pulls
   * going round forever). `peer` then holds everything this node has, so it is owed no pull.
   */
  answer(peer: NodeId, docId: string): { frontier: CausalMark[]; untracked: NodeId[] } {
    const d = this.docs.use(docId);
    d.untracked.delete(peer);
    const frontier: CausalMark[] = [{ node: this.o.self, epoch: d.epoch, seq: d.sent }];
    for (const [node, p] of d.recv) frontier.push({ node, epoch: p.epoch, seq: p.seq });
    return { frontier, untracked: [...d.untracked] };
  }

  /**
   * This node holds no data of `docId` (its room was just loaded and storage had nothing of it):
   * when the document is not tracked yet, its state starts marked toward no peer, so its first
   * forwards ask no peer to pull. A document tracked already keeps its marks. Data that reaches
   * the node later outside the forwards marks it through {@link untracked}, as always.
   */
  heldNothing(docId: string): void {
    this.docs.startEmpty(docId);
  }

  /** Data of `docId` outside any frontier was taken in (catch-up, a quorum read, a witness). */
  untracked(docId: string): void {
    const d = this.docs.use(docId);
    for (const p of this.o.peers) d.untracked.add(p);
  }

  /**
   * A witness hands over `entries` of `docId` (in its log order): which may be taken in now.
   * `present(i)`: entry i adds nothing to what this node stores. An entry is `ready` when
   * everything its stamp says it may follow is here or among the entries before it that are
   * present or ready, as for a forward from its origin; entries are looked at again until none
   * more becomes ready (a witness may have logged B before the A it follows, from another node).
   *
   * A `blocked` entry makes this node pull from every full peer. A node's answer to a pull sent
   * after the entry was first seen blocked stands for everything of that node's the stamp names
   * (it may have restarted, under a new epoch). What a node that is down had is waited for only
   * until this node and the peers that answered are `handoverQuorum` full replicas: an
   * acknowledged write is then either in this offer or held by one of them, so only a write never
   * acknowledged can be overtaken, and a witness's acknowledged entry is not kept from the
   * cluster for a dead node's sake (with 2 full replicas and 1 witness, this node alone is such
   * a quorum).
   * Read only as to the frontier: {@link commitEntry} counts an entry once it was taken in.
   */
  assess(docId: string, entries: readonly StampedEntry[], present: (i: number) => boolean): EntryVerdict[] {
    const d = this.docs.use(docId);
    const recv = new Map<NodeId, Position>();
    for (const [node, p] of d.recv) recv.set(node, { epoch: p.epoch, seq: p.seq });
    const ctx = this.entryContext(d);
    const verdicts = assessEntries(ctx, recv, entries, present);
    const blocked: string[] = [];
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i] as StampedEntry;
      const key = entryKey(e);
      if (verdicts[i] !== 'blocked') {
        d.blockedSince.delete(key);
        continue;
      }
      blocked.push(key);
      if (!d.blockedSince.has(key)) {
        d.blockedSince.set(key, this.docs.nextEvent());
        if (d.blockedSince.size > MAX_BLOCKED_PER_DOC) {
          const oldest = d.blockedSince.keys().next().value as string;
          d.blockedSince.delete(oldest);
        }
      }
    }
    // Pull from every full peer whose answer since some blocked entry was first seen is not in
    // yet (one that answered since counts already: asking again would only cost it a diff).
    if (blocked.length > 0)
      for (const p of this.o.peers) {
        if (blocked.every((key) => ctx.answeredSince(p, key))) continue;
        d.owed.add(p);
        if (!d.pulls.has(p)) this.pulls.schedule(docId, d, p, 0);
      }
    return verdicts;
  }

  /** A witness's entry of `docId` that {@link assess} found present or ready was taken in: count it. */
  commitEntry(docId: string, entry: StampedEntry): void {
    advancePosition(this.docs.use(docId).recv, entry);
  }

  /** `peer`'s link to this node went down: forwards held from it are dropped (it resends or catch-up brings them). */
  peerDown(peer: NodeId): void {
    for (const d of this.docs.values()) {
      const q = d.held.get(peer);
      if (q !== undefined) {
        this.heldCount -= q.length;
        for (const h of q) this.heldBytes -= h.bytes;
        d.held.delete(peer);
      }
      d.owed.delete(peer);
      d.pullSentAt.delete(peer); // lost with the link
      d.silent.delete(peer);
      this.pulls.cancel(d, peer);
      this.release(d);
    }
  }

  /** Cancel every timer and forget every held forward. */
  stop(): void {
    for (const d of this.docs.values()) for (const t of d.pulls.values()) t.cancel();
    this.docs.clear();
    this.heldCount = 0;
    this.heldBytes = 0;
  }

  private ready(d: DocCausal, from: NodeId, h: Held): boolean {
    if (h.filled) return true;
    const s = h.stamp;
    if (s.pull) return false;
    if (!this.followsOwn(d, from, s)) return false;
    for (const m of s.deps) {
      if (m.node === this.o.self || m.node === from) continue;
      const r = d.recv.get(m.node);
      if (r === undefined || r.epoch !== m.epoch || r.seq < m.seq) return false;
    }
    return true;
  }

  /** What the witness entry rules know of this node for document `d` (see `witness-entries.ts`). */
  private entryContext(d: DocCausal): EntryContext {
    const answeredSince = (peer: NodeId, key: string): boolean => {
      const since = d.blockedSince.get(key);
      return since !== undefined && (d.filledAt.get(peer) ?? Number.NEGATIVE_INFINITY) > since;
    };
    return {
      self: this.o.self,
      epoch: d.epoch,
      isUp: (peer) => (this.o.isUp?.(peer) ?? true) && !d.silent.has(peer),
      answeredSince,
      // This node and the full peers that answered since: `handoverQuorum` of them hold every
      // acknowledged write the witness's offer lacks.
      answeredQuorum: (key) => {
        let n = 1;
        for (const p of this.o.peers) if (answeredSince(p, key)) n++;
        return n >= (this.o.handoverQuorum ?? this.o.peers.length + 1);
      },
    };
  }

  /**
   * Whether every earlier forward of `from` in the stamp's epoch has been taken in here: true too
   * for the first forward of an epoch that asks for no pull when none of `from`'s forwards of
   * the document is counted here (there is nothing earlier in that epoch to wait for).
   */
  private followsOwn(d: DocCausal, from: NodeId, s: CausalStamp): boolean {
    const own = d.recv.get(from);
    if (own === undefined) return startsEpoch(s);
    return own.epoch === s.epoch && own.seq >= s.seq - 1;
  }

  private deliver(d: DocCausal, from: NodeId, h: Held): void {
    // The first of `from`'s forwards counted here, taken in as the start of its epoch.
    if (!h.filled && startsEpoch(h.stamp) && !d.recv.has(from))
      d.recv.set(from, { epoch: h.stamp.epoch, seq: 1 });
    else advancePosition(d.recv, { origin: from, stamp: h.stamp });
    h.deliver();
  }

  /** Deliver every held forward that became ready, until none does. */
  private release(d: DocCausal): void {
    let progress = true;
    while (progress) {
      progress = false;
      for (const [from, q] of d.held) {
        while (q.length > 0 && this.ready(d, from, q[0] as Held)) {
          const h = q.shift() as Held;
          this.heldCount--;
          this.heldBytes -= h.bytes;
          this.deliver(d, from, h);
          progress = true;
        }
        if (q.length === 0) {
          d.held.delete(from);
          if (!d.owed.has(from)) this.pulls.cancel(d, from);
        }
      }
    }
  }
}

/** A stamp of the first forward of its epoch that asks for no pull: it follows nothing of its sender's. */
function startsEpoch(s: CausalStamp): boolean {
  return s.seq === 1 && !s.pull;
}
