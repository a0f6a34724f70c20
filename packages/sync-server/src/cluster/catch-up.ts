/**
 * Anti-entropy when a peer link comes up, at any number of documents: this node walks its stored
 * documents in pages (by id, through the store's primary keys), computes each one's state vector
 * from the stored bytes (`coverageOf`: no document is loaded into a room), and asks the peer for
 * what it lacks, with at most `maxInFlight` requests outstanding per peer. The answer's update is
 * taken in only when it adds something to what is stored (`addsToCoverage`), and the peer is sent
 * what it lacks, computed from the stored bytes too. Memory stays bounded by the page and the
 * requests in flight, whatever the number of documents; the event loop gets a turn between
 * documents.
 *
 * Answers to peers' requests (`answer`) also come from the store: what a quorum read must see
 * is what W nodes hold durably.
 */
import { diffUpdate, mergeUpdates } from '@accord/core';
import {
  addsToCoverage,
  coverageOf,
  DecodeError,
  encodeStateVectorMap,
  type UpdateCoverage,
} from '@accord/core/protocol';
import type { NodeId } from '../election/types.js';
import type { Scheduler, TimerHandle } from '../time/scheduler.js';
import type { ClusterMessage } from './messages.js';

/** The part of the node's store catch-up reads. */
export interface CatchUpStore {
  documentsAfter(after: string, limit: number): string[];
  /** Make loads cheap before a walk (the SQLite store folds its unindexed staging rows). */
  fold?(): void;
  load(docId: string): { snapshot: Uint8Array | null; updates: readonly Uint8Array[] };
}

/** What catch-up needs from its node. */
export interface CatchUpDeps {
  store: CatchUpStore;
  scheduler: Scheduler;
  send: (to: NodeId, m: ClusterMessage) => void;
  /** Take in a peer's update (validate, relay, store); resolves once durable. */
  ingest: (docId: string, update: Uint8Array) => Promise<void>;
  /** Requests outstanding per peer. Default 32. */
  maxInFlight?: number;
  /** Ids read from the store per page. Default 256. */
  pageSize?: number;
  /** A request not answered in this time no longer holds a slot (ms). Default 5000. */
  replyTimeoutMs?: number;
}

interface PeerWalk {
  after: string;
  page: string[];
  done: boolean;
  inFlight: Map<string, TimerHandle>;
  scheduled: boolean;
}

/** Coverage of nothing: an update adds to it when it carries any struct or deletion. */
const NOTHING: UpdateCoverage = { stateVector: new Map(), deletes: new Map() };

function storedUpdates(store: CatchUpStore, docId: string): Uint8Array[] {
  const d = store.load(docId);
  return d.snapshot === null ? [...d.updates] : [d.snapshot, ...d.updates];
}

/** Catch-up of one node with each of its peers. */
export class CatchUp {
  private readonly d: CatchUpDeps;
  private readonly walks = new Map<NodeId, PeerWalk>();

  constructor(deps: CatchUpDeps) {
    this.d = deps;
  }

  /** The coverage of the stored document (state vector and deletions), from its bytes. */
  coverage(docId: string): UpdateCoverage {
    return coverageOf(storedUpdates(this.d.store, docId));
  }

  /** The stored document's state vector, encoded. */
  storedStateVector(docId: string): Uint8Array {
    return encodeStateVectorMap(this.coverage(docId).stateVector);
  }

  /** What a peer at `stateVector` lacks of the stored document, and our state vector. */
  answer(docId: string, stateVector: Uint8Array): { update: Uint8Array; stateVector: Uint8Array } {
    const updates = storedUpdates(this.d.store, docId);
    const cov = coverageOf(updates);
    return {
      update: diffUpdate(mergeUpdates(updates), stateVector),
      stateVector: encodeStateVectorMap(cov.stateVector),
    };
  }

  /** (Re)start walking every stored document with `peer` (its link just came up). */
  start(peer: NodeId): void {
    this.stop(peer);
    const walk: PeerWalk = { after: '', page: [], done: false, inFlight: new Map(), scheduled: false };
    this.walks.set(peer, walk);
    try {
      this.d.store.fold?.();
    } catch {
      // A failed fold (the commit worker holds the lock) only leaves loads slower.
    }
    this.schedule(peer, walk);
  }

  /** Stop the walk with `peer` (its link went down; a new one restarts from the beginning). */
  stop(peer: NodeId): void {
    const w = this.walks.get(peer);
    if (w === undefined) return;
    for (const t of w.inFlight.values()) t.cancel();
    this.walks.delete(peer);
  }

  /** Stop every walk. */
  stopAll(): void {
    for (const p of [...this.walks.keys()]) this.stop(p);
  }

  /** Documents with a request outstanding to `peer` (for tests and health). */
  inFlight(peer: NodeId): number {
    return this.walks.get(peer)?.inFlight.size ?? 0;
  }

  /** Whether the walk with `peer` has sent every request and had every answer. */
  finished(peer: NodeId): boolean {
    const w = this.walks.get(peer);
    return w?.done === true && w.page.length === 0 && w.inFlight.size === 0;
  }

  /**
   * A `sync-reply` from `peer`: take in what it adds, send the peer what it lacks, and free the
   * request's slot. Returns a promise that settles when done (never rejects: bad bytes from a
   * peer are dropped).
   */
  async onReply(peer: NodeId, docId: string, update: Uint8Array, peerVector: Uint8Array): Promise<void> {
    const walk = this.walks.get(peer);
    const slot = walk?.inFlight.get(docId);
    if (walk !== undefined && slot !== undefined) {
      slot.cancel();
      walk.inFlight.delete(docId);
      this.schedule(peer, walk);
    }
    try {
      // One read of the stored document serves both checks: whatever the reply adds came from
      // the peer, so what the peer lacks is computed from what was stored before it.
      const stored = storedUpdates(this.d.store, docId);
      if (addsToCoverage(coverageOf(stored), update)) await this.d.ingest(docId, update);
      const lack = diffUpdate(mergeUpdates(stored), peerVector);
      // No ack wanted: update id 0 marks catch-up traffic. Nothing to send when it carries nothing.
      if (addsToCoverage(NOTHING, lack))
        this.d.send(peer, { type: 'replicate', docId, updateId: 0, update: lack });
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
    }
  }

  /**
   * Catch-up traffic from a peer (a reply, or a `replicate` with update id 0): ingest it only
   * when it adds to what is stored, so documents already in sync are never loaded. Rejects with
   * `DecodeError` for bad bytes.
   */
  async takeIn(docId: string, update: Uint8Array): Promise<void> {
    if (addsToCoverage(this.coverage(docId), update)) await this.d.ingest(docId, update);
  }

  private schedule(peer: NodeId, walk: PeerWalk): void {
    if (walk.scheduled) return;
    walk.scheduled = true;
    this.d.scheduler.setTimer(0, () => {
      walk.scheduled = false;
      if (this.walks.get(peer) === walk) this.pump(peer, walk);
    });
  }

  /** Send requests until `maxInFlight` are outstanding (at most that many per turn of the event loop). */
  private pump(peer: NodeId, walk: PeerWalk): void {
    const max = this.d.maxInFlight ?? 32;
    while (walk.inFlight.size < max) {
      if (walk.page.length === 0 && !walk.done) {
        walk.page = this.d.store.documentsAfter(walk.after, this.d.pageSize ?? 256);
        if (walk.page.length === 0) walk.done = true;
        else walk.after = walk.page[walk.page.length - 1] as string;
      }
      const docId = walk.page.shift();
      if (docId === undefined) return;
      if (!walk.inFlight.has(docId)) this.request(peer, walk, docId);
    }
  }

  private request(peer: NodeId, walk: PeerWalk, docId: string): void {
    let stateVector: Uint8Array;
    try {
      stateVector = this.storedStateVector(docId);
    } catch (e) {
      if (e instanceof DecodeError) return; // a corrupt stored row: nothing to compare
      throw e;
    }
    const timer = this.d.scheduler.setTimer(this.d.replyTimeoutMs ?? 5000, () => {
      if (walk.inFlight.delete(docId)) this.schedule(peer, walk);
    });
    walk.inFlight.set(docId, timer);
    this.d.send(peer, { type: 'sync-request', docId, reqId: 0, stateVector });
  }
}
