/**
 * Presence of client sessions connected to OTHER relay nodes of the cluster, as those nodes
 * reported it over the peer links. Kept apart from the rooms (a node may hold presence for a
 * document none of its own clients has open, and must show it to the first one who joins).
 * Best effort, never stored; a node's entries are dropped when its link drops, and each entry
 * expires unless its node re-reports it within the presence TTL (nodes republish their sessions'
 * presence periodically), which also clears entries of a frozen node whose links stay open.
 */
import { randomInt } from 'node:crypto';
import { type PresenceEntry, type PresenceState, presenceStateSize } from '@accord/core/protocol';

/**
 * A session id unique across the cluster: random high bits and, for node ids below 2^16, the
 * node id in the low 16 bits (presence from other nodes is keyed by these ids too).
 */
export function newSessionId(nodeId: number): number {
  if (nodeId > 0 && nodeId < 2 ** 16) return randomInt(1, 2 ** 36) * 2 ** 16 + nodeId;
  return randomInt(1, 2 ** 48);
}

/** Most presence entries remembered per peer node; further new sessions are ignored. */
export const MAX_REMOTE_PRESENCE_PER_NODE = 10_000;

/** Byte bounds on other nodes' presence (the same as on this node's clients'). */
export interface RemotePresenceLimits {
  /** Largest entry (encoded bytes) kept; larger ones are ignored. Default unbounded. */
  readonly maxEntryBytes?: number;
  /** Most encoded bytes per document, this node's own entries included. Default unbounded. */
  readonly maxRoomBytes?: number;
  /** Bytes this node's own sessions hold in a document (counted against `maxRoomBytes`). */
  readonly localBytes?: (docId: string) => number;
  /** Called for each entry ignored for its size: `entry-bytes` or `room-bytes`. */
  readonly onRefused?: (reason: 'entry-bytes' | 'room-bytes') => void;
}

interface Held {
  state: PresenceState;
  /** Encoded size of `state`. */
  bytes: number;
  /** When its node last reported it (relay clock, ms). */
  seen: number;
  /** Encoded form, to tell a refresh from a change. */
  key: string;
}

const keyOf = (s: PresenceState): string =>
  JSON.stringify(s, (_k, v: unknown) => (v instanceof Uint8Array ? [...v] : v));

/**
 * Remote presence by node, document and session. Bounded in entries per node
 * ({@link MAX_REMOTE_PRESENCE_PER_NODE}) and, with {@link RemotePresenceLimits}, in bytes per
 * entry and per document: an entry over a bound is ignored and the session's previous entry, if
 * any, stays as it was.
 */
export class RemotePresence {
  private readonly byNode = new Map<number, Map<string, Map<number, Held>>>();
  private readonly counts = new Map<number, number>();
  /** Encoded bytes held per document, over every node. */
  private readonly docBytes = new Map<string, number>();
  private total = 0;

  constructor(private readonly limits: RemotePresenceLimits = {}) {}

  /** Encoded bytes of other nodes' presence held for `docId`. */
  bytesOf(docId: string): number {
    return this.docBytes.get(docId) ?? 0;
  }

  /** Encoded bytes of other nodes' presence held, over every document. */
  get totalBytes(): number {
    return this.total;
  }

  private addBytes(docId: string, delta: number): void {
    this.total += delta;
    const n = this.bytesOf(docId) + delta;
    if (n <= 0) this.docBytes.delete(docId);
    else this.docBytes.set(docId, n);
  }

  /**
   * Apply node `from`'s changes to `docId`, reported at time `now`. Returns the entries that
   * changed something (to relay to local sessions): removals of unknown sessions, sets past the
   * bounds and re-reports of an unchanged state (refreshes) are not returned.
   */
  apply(from: number, docId: string, entries: readonly PresenceEntry[], now = 0): PresenceEntry[] {
    let docs = this.byNode.get(from);
    if (docs === undefined) {
      docs = new Map();
      this.byNode.set(from, docs);
    }
    let sessions = docs.get(docId);
    const changed: PresenceEntry[] = [];
    let count = this.counts.get(from) ?? 0;
    const { maxEntryBytes = Number.POSITIVE_INFINITY, maxRoomBytes = Number.POSITIVE_INFINITY } = this.limits;
    for (const e of entries) {
      if (e.state === null) {
        const gone = sessions?.get(e.sessionId);
        if (gone !== undefined) {
          sessions?.delete(e.sessionId);
          this.addBytes(docId, -gone.bytes);
          count--;
          changed.push(e);
        }
        continue;
      }
      const held = sessions?.get(e.sessionId);
      const bytes = presenceStateSize(e.state);
      if (bytes > maxEntryBytes) {
        this.limits.onRefused?.('entry-bytes');
        continue;
      }
      const key = keyOf(e.state);
      if (held === undefined) {
        if (count >= MAX_REMOTE_PRESENCE_PER_NODE) continue;
      } else if (held.key === key) {
        held.seen = now;
        continue;
      }
      const room = (this.limits.localBytes?.(docId) ?? 0) + this.bytesOf(docId);
      if (room - (held?.bytes ?? 0) + bytes > maxRoomBytes) {
        this.limits.onRefused?.('room-bytes');
        continue;
      }
      if (held === undefined) count++;
      if (sessions === undefined) {
        sessions = new Map();
        docs.set(docId, sessions);
      }
      sessions.set(e.sessionId, { state: e.state, bytes, seen: now, key });
      this.addBytes(docId, bytes - (held?.bytes ?? 0));
      changed.push(e);
    }
    if (sessions !== undefined && sessions.size === 0) docs.delete(docId);
    this.counts.set(from, count);
    return changed;
  }

  /** Forget everything node `from` reported. Returns, per document, the removals to relay. */
  drop(from: number): Map<string, PresenceEntry[]> {
    const out = new Map<string, PresenceEntry[]>();
    const docs = this.byNode.get(from);
    if (docs === undefined) return out;
    for (const [docId, sessions] of docs) {
      out.set(
        docId,
        [...sessions.keys()].map((sessionId) => ({ sessionId, state: null })),
      );
      for (const held of sessions.values()) this.addBytes(docId, -held.bytes);
    }
    this.byNode.delete(from);
    this.counts.delete(from);
    return out;
  }

  /** Forget entries last reported before `cutoff`. Returns, per document, the removals to relay. */
  expire(cutoff: number): Map<string, PresenceEntry[]> {
    const out = new Map<string, PresenceEntry[]>();
    for (const [node, docs] of this.byNode) {
      for (const [docId, sessions] of docs) {
        for (const [sessionId, held] of sessions) {
          if (held.seen >= cutoff) continue;
          sessions.delete(sessionId);
          this.addBytes(docId, -held.bytes);
          this.counts.set(node, (this.counts.get(node) ?? 1) - 1);
          const list = out.get(docId) ?? [];
          list.push({ sessionId, state: null });
          out.set(docId, list);
        }
        if (sessions.size === 0) docs.delete(docId);
      }
    }
    return out;
  }

  /** Every remote session's presence in `docId` (for a session that joins). */
  entriesFor(docId: string): PresenceEntry[] {
    const out: PresenceEntry[] = [];
    for (const docs of this.byNode.values()) {
      const sessions = docs.get(docId);
      if (sessions === undefined) continue;
      for (const [sessionId, held] of sessions) out.push({ sessionId, state: held.state });
    }
    return out;
  }
}
