/**
 * Merging and pacing of presence, per document. Presence changes are not relayed frame by frame:
 * each document gathers its changes (the latest state per session wins) and sends them as one
 * `presence-update` at most once every `intervalMs`, to the node's sessions in the room and, for
 * this node's own sessions, to the other nodes. A change to a document that sent nothing within
 * the last interval goes out at once; later ones wait for the interval's end. So one client
 * pushing presence as fast as its rate limit allows costs a room of N readers at most N frames
 * per interval, not N per frame it sends, and a hundred cursors moving together cost one frame.
 * Pure: time and timers come from the injected {@link Scheduler}; nothing here touches a socket.
 */
import type { PresenceEntry, PresenceState } from '@accord/core/protocol';
import type { Scheduler, TimerHandle } from '../time/scheduler.js';

/** Where merged presence goes. */
export interface PresenceSink {
  /**
   * Tell this node's sessions in `docId` about `entries`. `except` is the session whose own
   * change is the only entry (it need not hear it back), else `undefined`.
   */
  deliver(docId: string, entries: readonly PresenceEntry[], except: number | undefined): void;
  /** Tell the other nodes about changes of this node's own sessions in `docId`. */
  publish(docId: string, entries: readonly PresenceEntry[]): void;
}

interface DocPresence {
  /** This node's sessions' changes since the last flush, latest per session. */
  readonly local: Map<number, PresenceState | null>;
  /** Other nodes' sessions' changes since the last flush (relayed here, never republished). */
  readonly remote: Map<number, PresenceState | null>;
  /** The end of the current interval, while one runs. */
  timer: TimerHandle | null;
}

/** Per-document presence merging; one per node. Single-threaded. */
export class PresenceThrottle {
  private readonly docs = new Map<string, DocPresence>();
  private closed = false;

  /**
   * @param intervalMs at most one flush per document per this many ms (`--presence-interval`);
   * 0 sends every change at once, unmerged.
   */
  constructor(
    private readonly scheduler: Scheduler,
    private readonly intervalMs: number,
    private readonly sink: PresenceSink,
  ) {}

  /** Documents with an interval running or changes waiting (for tests and metrics). */
  get activeDocuments(): number {
    return this.docs.size;
  }

  /** A session of this node set (or with `null` cleared) its presence in `docId`. */
  local(docId: string, sessionId: number, state: PresenceState | null): void {
    if (this.closed) return;
    const doc = this.docOf(docId);
    doc.local.set(sessionId, state);
    this.changed(docId, doc);
  }

  /** Another node reported presence changes in `docId`: relay them to this node's sessions. */
  remote(docId: string, entries: readonly PresenceEntry[]): void {
    if (this.closed || entries.length === 0) return;
    const doc = this.docOf(docId);
    for (const e of entries) doc.remote.set(e.sessionId, e.state);
    this.changed(docId, doc);
  }

  /** Drop everything waiting and cancel every timer (shutdown). */
  close(): void {
    this.closed = true;
    for (const doc of this.docs.values()) doc.timer?.cancel();
    this.docs.clear();
  }

  private docOf(docId: string): DocPresence {
    let doc = this.docs.get(docId);
    if (doc === undefined) {
      doc = { local: new Map(), remote: new Map(), timer: null };
      this.docs.set(docId, doc);
    }
    return doc;
  }

  private changed(docId: string, doc: DocPresence): void {
    // Inside an interval the change waits for its end; outside, it goes now and opens one.
    if (doc.timer !== null) return;
    this.flush(docId, doc);
    if (this.intervalMs <= 0) {
      this.docs.delete(docId);
      return;
    }
    doc.timer = this.scheduler.setTimer(this.intervalMs, () => this.intervalEnded(docId, doc));
  }

  private intervalEnded(docId: string, doc: DocPresence): void {
    doc.timer = null;
    if (this.docs.get(docId) !== doc) return;
    if (doc.local.size === 0 && doc.remote.size === 0) {
      this.docs.delete(docId);
      return;
    }
    this.flush(docId, doc);
    doc.timer = this.scheduler.setTimer(this.intervalMs, () => this.intervalEnded(docId, doc));
  }

  private flush(docId: string, doc: DocPresence): void {
    const local = [...doc.local].map(([sessionId, state]) => ({ sessionId, state }));
    const all =
      doc.remote.size === 0
        ? local
        : [...local, ...[...doc.remote].map(([sessionId, state]) => ({ sessionId, state }))];
    doc.local.clear();
    doc.remote.clear();
    if (all.length === 0) return;
    const only = all.length === 1 && local.length === 1 ? local[0]?.sessionId : undefined;
    this.sink.deliver(docId, all, only);
    if (local.length > 0) this.sink.publish(docId, local);
  }
}
