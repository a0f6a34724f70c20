/**
 * Presence of one relay node within its cluster: its own sessions' presence (kept by the rooms),
 * forwarded to the other nodes through the replicator, and the other nodes' sessions' presence
 * ({@link RemotePresence}), relayed to this node's sessions in the same document. Best effort:
 * never stored, never quorum-acknowledged. Bounded in bytes per entry and per document, whoever
 * reported the entry; changes are merged and paced per document by a {@link PresenceThrottle}.
 * Single-threaded like the relay (no locking); time and timers from the injected scheduler.
 */
import {
  encodeMessage,
  type PresenceEntry,
  type PresenceState,
  presenceStateSize,
} from '@accord/core/protocol';
import type { Scheduler, TimerHandle } from '../time/scheduler.js';
import { PresenceThrottle } from './presence-throttle.js';
import { RemotePresence } from './remote-presence.js';
import type { Replicator } from './replicator.js';
import type { Room, RoomRegistry } from './rooms.js';
import type { Session } from './session.js';

/** Presence limits of a node (CLI flags). */
export interface PresenceLimits {
  /** A session silent this long loses its presence; other nodes' entries expire after it too. */
  readonly ttlMs: number;
  /** At most one `presence-update` per document per this many ms (`--presence-interval`); 0: every change at once. */
  readonly intervalMs: number;
  /** Largest presence entry, in encoded bytes (`--presence-max-bytes`). */
  readonly maxEntryBytes: number;
  /** Most encoded bytes of presence per document, this node's and other nodes' entries together (`--presence-room-bytes`). */
  readonly maxRoomBytes: number;
}

/** Why a presence entry was refused: over the per-entry or the per-document byte bound. */
export type PresenceRefusal = 'entry-bytes' | 'room-bytes';

/** The presence a room's sessions hold, as `presence-update` entries. */
function entriesOf(room: Room): PresenceEntry[] {
  return [...room.presence].map(([sessionId, state]) => ({ sessionId, state }));
}

/** Local and remote presence of one node. */
export class ClusterPresence {
  private readonly remote: RemotePresence;
  private readonly throttle: PresenceThrottle;
  private lastRepublish = 0;
  private sweepTimer: TimerHandle | null = null;

  /** `onRefused` counts every entry refused for its size, from a client or from a peer. */
  constructor(
    private readonly rooms: RoomRegistry,
    private readonly replicator: Replicator,
    private readonly scheduler: Scheduler,
    private readonly limits: PresenceLimits,
    private readonly onRefused: (source: 'client' | 'peer', reason: PresenceRefusal) => void = () => {},
  ) {
    this.remote = new RemotePresence({
      maxEntryBytes: limits.maxEntryBytes,
      maxRoomBytes: limits.maxRoomBytes,
      localBytes: (docId) => this.rooms.get(docId)?.presenceBytes ?? 0,
      onRefused: (reason) => this.onRefused('peer', reason),
    });
    this.throttle = new PresenceThrottle(scheduler, limits.intervalMs, {
      deliver: (docId, entries, except) => this.deliver(docId, entries, except),
      publish: (docId, entries) => this.replicator.publishPresence?.(docId, entries),
    });
  }

  /** Encoded presence bytes held: this node's sessions' (over loaded rooms) and other nodes'. */
  bytes(): { local: number; remote: number } {
    let local = 0;
    for (const room of this.rooms.all()) local += room.presenceBytes;
    return { local, remote: this.remote.totalBytes };
  }

  /** Start the periodic sweep (every quarter TTL, between 50 ms and 1 s). */
  start(): void {
    const every = Math.max(50, Math.min(1000, this.limits.ttlMs / 4));
    const tick = () => {
      this.sweep(this.limits.ttlMs);
      this.sweepTimer = this.scheduler.setTimer(every, tick);
    };
    this.sweepTimer = this.scheduler.setTimer(every, tick);
  }

  /** Stop the sweep and drop presence waiting to be relayed (shutdown). */
  close(): void {
    this.sweepTimer?.cancel();
    this.sweepTimer = null;
    this.throttle.close();
  }

  /** Everyone present in `room`, on this node and others (for a session that joins). */
  joinEntries(room: Room): PresenceEntry[] {
    return [...entriesOf(room), ...this.remote.entriesFor(room.docId)];
  }

  /**
   * Set or clear a local session's presence: its room hears it, and so do the other nodes (merged
   * and paced). Returns why it was refused, or `null`: an entry over `maxEntryBytes`, or one that
   * would take the document's presence over `maxRoomBytes`, is refused and the session's previous
   * presence stays. Clearing is never refused; clearing an absent presence does nothing.
   */
  set(room: Room, session: Session, state: PresenceState | null): PresenceRefusal | null {
    if (state === null) {
      if (room.putPresence(session.id, null, 0)) this.throttle.local(room.docId, session.id, null);
      return null;
    }
    const bytes = presenceStateSize(state);
    let refusal: PresenceRefusal | null = null;
    if (bytes > this.limits.maxEntryBytes) refusal = 'entry-bytes';
    else {
      const others = room.presenceBytes - room.presenceSizeOf(session.id) + this.remote.bytesOf(room.docId);
      if (others + bytes > this.limits.maxRoomBytes) refusal = 'room-bytes';
    }
    if (refusal !== null) {
      this.onRefused('client', refusal);
      return refusal;
    }
    room.putPresence(session.id, state, bytes);
    this.throttle.local(room.docId, session.id, state);
    return null;
  }

  /**
   * Periodic sweep: clear local sessions silent for `ttlMs`, expire other nodes' entries they
   * did not re-report within `ttlMs`, and re-report ours every `ttlMs / 3`.
   */
  sweep(ttlMs: number): void {
    const now = this.scheduler.now();
    const cutoff = now - ttlMs;
    for (const room of this.rooms.all()) {
      for (const s of room.sessions) if (s.lastSeen < cutoff) this.set(room, s, null);
    }
    for (const [docId, entries] of this.remote.expire(cutoff)) this.throttle.remote(docId, entries);
    if (now - this.lastRepublish >= ttlMs / 3) {
      this.lastRepublish = now;
      for (const { docId, entries } of this.local()) this.replicator.publishPresence?.(docId, entries);
    }
  }

  /** Node `from` reported presence changes in `docId`. */
  fromPeer(from: number, docId: string, entries: readonly PresenceEntry[]): void {
    this.throttle.remote(docId, this.remote.apply(from, docId, entries, this.scheduler.now()));
  }

  /** Node `from`'s link dropped or it restarted: its sessions are gone. */
  peerGone(from: number): void {
    for (const [docId, entries] of this.remote.drop(from)) this.throttle.remote(docId, entries);
  }

  /** This node's sessions' presence, per loaded document. */
  local(): { docId: string; entries: PresenceEntry[] }[] {
    const out: { docId: string; entries: PresenceEntry[] }[] = [];
    for (const room of this.rooms.all())
      if (room.presence.size > 0) out.push({ docId: room.docId, entries: entriesOf(room) });
    return out;
  }

  /** Send merged changes to this node's sessions in `docId` (not back to a sole author). */
  private deliver(docId: string, entries: readonly PresenceEntry[], except: number | undefined): void {
    const room = this.rooms.get(docId);
    if (room === undefined || room.sessions.size === 0) return;
    let author: Session | undefined;
    if (except !== undefined) for (const s of room.sessions) if (s.id === except) author = s;
    room.broadcast(encodeMessage({ type: 'presence-update', entries }), author);
  }
}
