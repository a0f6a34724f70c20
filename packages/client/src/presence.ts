/**
 * Presence on the client side: the other sessions in the room (name, colour, cursor, data) as
 * the relay reports them, and this session's own state. The relay expires a session that
 * leaves or goes silent and tells the room (`state: null`); this tracker applies those entries,
 * and forgets everyone when the connection is lost (a new node sends the full list on join).
 */
import type { PresenceEntry, PresenceState, PresenceValue } from '@accord/core/protocol';

/** What an app passes to `setPresence`: every field optional; missing ones default. */
export interface PresenceInput {
  /** Display name (≤ 256 UTF-8 bytes). Default `''`. */
  readonly name?: string;
  /** Display colour, e.g. `'#e91e63'` (≤ 64 UTF-8 bytes). Default `''`. */
  readonly color?: string;
  /** Cursor or selection, app-defined. Default `null`. */
  readonly cursor?: PresenceValue;
  /** Any other small app-defined value. Default `null`. */
  readonly data?: PresenceValue;
}

/** Fill the defaults of a {@link PresenceInput}. */
export function toPresenceState(input: PresenceInput): PresenceState {
  return {
    name: input.name ?? '',
    color: input.color ?? '',
    cursor: input.cursor ?? null,
    data: input.data ?? null,
  };
}

/** The peers of one room as seen through the current connection. */
export class PresenceTracker {
  private readonly peersById = new Map<number, PresenceState>();

  /** A copy of the current peers, keyed by session id (never includes this session). */
  snapshot(): Map<number, PresenceState> {
    return new Map(this.peersById);
  }

  /** Number of peers present. */
  get size(): number {
    return this.peersById.size;
  }

  /**
   * Apply a `presence-update`: set or (with `state: null`) remove each entry; entries about
   * `ownSessionId` are ignored. Later entries for the same session win.
   * @returns whether anything changed.
   */
  apply(entries: readonly PresenceEntry[], ownSessionId: number | undefined): boolean {
    let changed = false;
    for (const { sessionId, state } of entries) {
      if (sessionId === ownSessionId) continue;
      if (state === null) {
        if (this.peersById.delete(sessionId)) changed = true;
      } else {
        this.peersById.set(sessionId, state);
        changed = true;
      }
    }
    return changed;
  }

  /** Forget every peer (connection lost). @returns whether there was anyone to forget. */
  clear(): boolean {
    const had = this.peersById.size > 0;
    this.peersById.clear();
    return had;
  }
}
