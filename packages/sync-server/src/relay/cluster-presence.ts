/**
 * Presence of one relay node within its cluster: its own sessions' presence (kept by the rooms),
 * forwarded to the other nodes through the replicator, and the other nodes' sessions' presence
 * ({@link RemotePresence}), relayed to this node's sessions in the same document. Best effort:
 * never stored, never quorum-acknowledged. Single-threaded like the relay (no locking).
 */
import { encodeMessage, type PresenceEntry, type PresenceState } from '@accord/core';
import { RemotePresence } from './remote-presence.js';
import type { Replicator } from './replicator.js';
import type { Room, RoomRegistry } from './rooms.js';
import type { Session } from './session.js';

/** The presence a room's sessions hold, as `presence-update` entries. */
function entriesOf(room: Room): PresenceEntry[] {
  return [...room.presence].map(([sessionId, state]) => ({ sessionId, state }));
}

/** Local and remote presence of one node. */
export class ClusterPresence {
  private readonly remote = new RemotePresence();
  private lastRepublish = 0;

  constructor(
    private readonly rooms: RoomRegistry,
    private readonly replicator: Replicator,
    private readonly now: () => number,
  ) {}

  /** Everyone present in `room`, on this node and others (for a session that joins). */
  joinEntries(room: Room): PresenceEntry[] {
    return [...entriesOf(room), ...this.remote.entriesFor(room.docId)];
  }

  /**
   * Set or clear a local session's presence: its room hears it, and so do the other nodes.
   * Clearing an absent presence does nothing.
   */
  set(room: Room, session: Session, state: PresenceState | null): void {
    if (state === null && !room.presence.has(session.id)) return;
    room.setPresence(session, state);
    this.replicator.publishPresence?.(room.docId, [{ sessionId: session.id, state }]);
  }

  /**
   * Periodic sweep: clear local sessions silent for `ttlMs`, expire other nodes' entries they
   * did not re-report within `ttlMs`, and re-report ours every `ttlMs / 3`.
   */
  sweep(ttlMs: number): void {
    const now = this.now();
    const cutoff = now - ttlMs;
    for (const room of this.rooms.all()) {
      for (const s of room.sessions) if (s.lastSeen < cutoff) this.set(room, s, null);
    }
    for (const [docId, entries] of this.remote.expire(cutoff)) this.relay(docId, entries);
    if (now - this.lastRepublish >= ttlMs / 3) {
      this.lastRepublish = now;
      for (const { docId, entries } of this.local()) this.replicator.publishPresence?.(docId, entries);
    }
  }

  /** Node `from` reported presence changes in `docId`. */
  fromPeer(from: number, docId: string, entries: readonly PresenceEntry[]): void {
    this.relay(docId, this.remote.apply(from, docId, entries, this.now()));
  }

  /** Node `from`'s link dropped or it restarted: its sessions are gone. */
  peerGone(from: number): void {
    for (const [docId, entries] of this.remote.drop(from)) this.relay(docId, entries);
  }

  /** This node's sessions' presence, per loaded document. */
  local(): { docId: string; entries: PresenceEntry[] }[] {
    const out: { docId: string; entries: PresenceEntry[] }[] = [];
    for (const room of this.rooms.all())
      if (room.presence.size > 0) out.push({ docId: room.docId, entries: entriesOf(room) });
    return out;
  }

  /** Tell this node's sessions in `docId` about other nodes' presence changes. */
  private relay(docId: string, entries: PresenceEntry[]): void {
    if (entries.length > 0)
      this.rooms.get(docId)?.broadcast(encodeMessage({ type: 'presence-update', entries }));
  }
}
