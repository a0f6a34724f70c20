/**
 * The per-document state of causal forwarding (see `causal-forwarding.ts`) and the bounded map
 * that keeps it: a document's state is made on first use (a new epoch, marked untracked toward
 * every peer; toward none when the node holds no data of it) and, over `maxDocs`, the least
 * recently used documents with nothing held, pulled or owed are forgotten. It also numbers the
 * events whose order the witness entry rules compare (pulls sent, witness entries first seen
 * blocked).
 */
import type { NodeId } from '../election/types.js';
import type { TimerHandle } from '../time/scheduler.js';
import type { CausalForwardingOptions, CausalStamp } from './causal-types.js';

/** How far one node's forwards of a document were taken in: its epoch and sequence number. */
export interface Position {
  /** The node's epoch for the document. */
  epoch: number;
  /** Its forwards taken in, in that epoch. */
  seq: number;
}

/** A received forward held until what it follows is here. */
export interface Held {
  /** The stamp it came with. */
  readonly stamp: CausalStamp;
  /** Its update's size (counted against `maxHeldBytes`). */
  readonly bytes: number;
  /** Take it in and acknowledge it. */
  readonly deliver: () => void;
  /** A fill from the sender arrived after this forward: everything it could follow is here. */
  filled: boolean;
}

/** One document's causal forwarding state on this node. */
export interface DocCausal {
  /** When it was last used (`CausalDocs` use number): eviction takes the oldest first. */
  used: number;
  /** This node's epoch for the document. */
  readonly epoch: number;
  /** This node's forwards of it in that epoch. */
  sent: number;
  /** How far each other node's forwards of it were taken in here (the receive frontier). */
  readonly recv: Map<NodeId, Position>;
  /** Peers that may lack data this node holds outside any frontier. */
  readonly untracked: Set<NodeId>;
  /** Forwards held, per sender, in arrival order. */
  readonly held: Map<NodeId, Held[]>;
  /** The pull timer due to each sender (see `CausalPulls`). */
  readonly pulls: Map<NodeId, TimerHandle>;
  /** Senders a forward of which was dropped (over `maxHeld`): pulled from even with nothing held. */
  readonly owed: Set<NodeId>;
  /** When (a `CausalDocs` event number) the earliest pull to each peer not answered yet was sent. */
  readonly pullSentAt: Map<NodeId, number>;
  /** Peers that left a pull unanswered for `silentMs`: taken for down by the witness entry rules. */
  readonly silent: Set<NodeId>;
  /** For each peer, when the pull its last answer answered was sent (see `CausalForwarding.assess`). */
  readonly filledAt: Map<NodeId, number>;
  /** When each witness entry still blocked was first seen, by `origin:epoch:seq`. */
  readonly blockedSince: Map<string, number>;
}

/** Whether something from `from` is held or was dropped (a pull from it is still needed). */
export function waitsOn(d: DocCausal, from: NodeId): boolean {
  return d.held.has(from) || d.owed.has(from);
}

/** The causal forwarding state of every document a node tracks, bounded by `maxDocs`. */
export class CausalDocs {
  private readonly docs = new Map<string, DocCausal>();
  /** Counts document uses (see `DocCausal.used`). */
  private uses = 0;
  /** Numbers pulls sent and witness entries first seen blocked, to tell which came first. */
  private events = 0;

  constructor(private readonly o: Pick<CausalForwardingOptions, 'peers' | 'newEpoch' | 'maxDocs'>) {}

  /** The state of `docId` if it is tracked, without counting a use or making it. */
  peek(docId: string): DocCausal | undefined {
    return this.docs.get(docId);
  }

  /** Every tracked document's state. */
  values(): IterableIterator<DocCausal> {
    return this.docs.values();
  }

  /** The next event number (see `DocCausal.pullSentAt` and `DocCausal.blockedSince`). */
  nextEvent(): number {
    return ++this.events;
  }

  /** Forget every document (their timers are the caller's to cancel first). */
  clear(): void {
    this.docs.clear();
  }

  /** The state of `docId`, made afresh if it is not tracked; counts a use. */
  use(docId: string): DocCausal {
    const d = this.docs.get(docId);
    if (d === undefined) return this.make(docId, this.o.peers);
    // A use number, not a move to the map's end: deleting and inserting a key on every forward
    // and receive cost more than the whole rest of the lookup.
    d.used = ++this.uses;
    return d;
  }

  /**
   * Start tracking `docId` marked toward no peer, when this node holds no data of it (see
   * `CausalForwarding.heldNothing`). Nothing changes when it is tracked already.
   */
  startEmpty(docId: string): void {
    if (!this.docs.has(docId)) this.make(docId, []);
  }

  /** A new state for `docId` (a new epoch), marked untracked toward `untracked`. */
  private make(docId: string, untracked: readonly NodeId[]): DocCausal {
    const d: DocCausal = {
      used: ++this.uses,
      epoch: this.o.newEpoch(),
      sent: 0,
      recv: new Map(),
      untracked: new Set(untracked),
      held: new Map(),
      pulls: new Map(),
      owed: new Set(),
      pullSentAt: new Map(),
      silent: new Set(),
      filledAt: new Map(),
      blockedSince: new Map(),
    };
    this.docs.set(docId, d);
    this.evict();
    return d;
  }

  /**
   * Over `maxDocs`: forget the least recently used documents with nothing held, pulled or owed,
   * down to 15/16 of the bound (one sort per `maxDocs / 16` new documents, not one per document).
   */
  private evict(): void {
    const max = this.o.maxDocs ?? 10_000;
    if (this.docs.size <= max) return;
    const idle: [string, number][] = [];
    for (const [id, d] of this.docs)
      if (d.held.size === 0 && d.pulls.size === 0 && d.owed.size === 0) idle.push([id, d.used]);
    idle.sort((a, b) => a[1] - b[1]);
    const target = max - Math.floor(max / 16);
    for (const [id] of idle) {
      if (this.docs.size <= target) return;
      this.docs.delete(id);
    }
  }
}
