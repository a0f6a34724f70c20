/**
 * Presence of client sessions connected to OTHER relay nodes of the cluster, as those nodes
 * reported it over the peer links. Kept apart from the rooms (a node may hold presence for a
 * document none of its own clients has open, and must show it to the first one who joins).
 * Best effort, never stored; a node's entries are dropped when its link drops.
 */
import { randomInt } from 'node:crypto';
import type { PresenceEntry, PresenceState } from '@accord/core';

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

/** Remote presence by node, document and session. */
export class RemotePresence {
  private readonly byNode = new Map<number, Map<string, Map<number, PresenceState>>>();
  private readonly counts = new Map<number, number>();

  /**
   * Apply node `from`'s changes to `docId`. Returns the entries that changed something (to relay
   * to local sessions): removals of unknown sessions and sets past the bound are dropped.
   */
  apply(from: number, docId: string, entries: readonly PresenceEntry[]): PresenceEntry[] {
    let docs = this.byNode.get(from);
    if (docs === undefined) {
      docs = new Map();
      this.byNode.set(from, docs);
    }
    let sessions = docs.get(docId);
    const changed: PresenceEntry[] = [];
    let count = this.counts.get(from) ?? 0;
    for (const e of entries) {
      if (e.state === null) {
        if (sessions?.delete(e.sessionId)) {
          count--;
          changed.push(e);
        }
        continue;
      }
      if (sessions === undefined) {
        sessions = new Map();
        docs.set(docId, sessions);
      }
      if (!sessions.has(e.sessionId)) {
        if (count >= MAX_REMOTE_PRESENCE_PER_NODE) continue;
        count++;
      }
      sessions.set(e.sessionId, e.state);
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
    }
    this.byNode.delete(from);
    this.counts.delete(from);
    return out;
  }

  /** Every remote session's presence in `docId` (for a session that joins). */
  entriesFor(docId: string): PresenceEntry[] {
    const out: PresenceEntry[] = [];
    for (const docs of this.byNode.values()) {
      const sessions = docs.get(docId);
      if (sessions === undefined) continue;
      for (const [sessionId, state] of sessions) out.push({ sessionId, state });
    }
    return out;
  }
}
