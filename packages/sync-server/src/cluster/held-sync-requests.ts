/**
 * Sync requests a node could not answer yet because its own link to the asker was down. Answers
 * travel on the answering node's outbound link; the asker may already hold that link as
 * authenticated (and have asked again) while this side, busy after a pause or a restart, has not
 * finished its half of the handshake. An answer written then is dropped, and the asker's join
 * waits out its read timeout. Held here instead (the reply is computed only once it can be sent)
 * and answered when the link comes up.
 *
 * Bounded: at most `maxPerPeer` requests per peer, the oldest dropped first; a request asked again
 * (the same request id and document) replaces the one held.
 */
import type { NodeId } from '../election/types.js';

/** One held request. */
export interface HeldSyncRequest {
  readonly docId: string;
  readonly reqId: number;
  readonly stateVector: Uint8Array;
}

/** Per-peer queues of sync requests waiting for a link to their asker. */
export class HeldSyncRequests {
  private readonly byPeer = new Map<NodeId, Map<string, HeldSyncRequest>>();

  constructor(private readonly maxPerPeer = 256) {}

  /** Requests held, over every peer. */
  get size(): number {
    let n = 0;
    for (const m of this.byPeer.values()) n += m.size;
    return n;
  }

  /** Hold `request` from `peer` until {@link take}. */
  hold(peer: NodeId, request: HeldSyncRequest): void {
    let m = this.byPeer.get(peer);
    if (m === undefined) {
      m = new Map();
      this.byPeer.set(peer, m);
    }
    const key = `${request.reqId}:${request.docId}`;
    m.delete(key);
    m.set(key, request);
    if (m.size > this.maxPerPeer) {
      const oldest = m.keys().next();
      if (oldest.done !== true) m.delete(oldest.value);
    }
  }

  /** Every request held for `peer`, oldest first, and forget them. */
  take(peer: NodeId): HeldSyncRequest[] {
    const m = this.byPeer.get(peer);
    if (m === undefined) return [];
    this.byPeer.delete(peer);
    return [...m.values()];
  }
}
