/**
 * Rooms: one per document in use, holding the document in memory, its sessions and their
 * presence. The registry loads a room from storage on first use (snapshot + later updates),
 * unloads it once idle, and compacts a document's log into a snapshot once it grows long.
 */
import type { PresenceState } from '@accord/core/protocol';
import type { Logger } from 'pino';
import type { SqliteStore } from '../storage/sqlite-store.js';
import type { Scheduler, TimerHandle } from '../time/scheduler.js';
import type { DocumentEngine, RoomDocument } from './document.js';
import type { Session } from './session.js';

/** One document's live state on this node. */
export class Room {
  readonly sessions = new Set<Session>();
  /** This node's sessions' presence (other nodes' is kept by `RemotePresence`). */
  readonly presence = new Map<number, PresenceState>();
  /** Users other than sessions (peer ingest, pending writes) keeping the room loaded. */
  holds = 0;
  idleTimer: TimerHandle | null = null;
  /** Encoded bytes of each entry of {@link presence}. */
  private readonly presenceSizes = new Map<number, number>();
  private presenceTotal = 0;
  /**
   * True while a session that joined when the document held updates back for missing
   * dependencies may lack them (`RoomDocument.diff` leaves held parts out): what a later update
   * releases is then relayed with it. Otherwise every session got the held updates when they
   * arrived, and an update is relayed as it came. Cleared once the document holds nothing.
   */
  private joinedWhileHeld = false;

  constructor(
    readonly docId: string,
    readonly doc: RoomDocument,
  ) {}

  /** Add a joining session, which was sent the document's diff (see {@link Room.applyUpdate}). */
  join(session: Session): void {
    if (!this.doc.complete()) this.joinedWhileHeld = true;
    this.sessions.add(session);
  }

  /**
   * Apply `update` to the document: the bytes to relay to the sessions, or null when the document
   * had all of it (see `RoomDocument.apply`; what it releases comes along only when a session may
   * lack that).
   */
  applyUpdate(update: Uint8Array): Uint8Array | null {
    const relayed = this.doc.apply(update, this.joinedWhileHeld);
    if (this.joinedWhileHeld && this.doc.complete()) this.joinedWhileHeld = false;
    return relayed;
  }

  /** Encoded bytes of every presence entry this node's sessions hold in the room. */
  get presenceBytes(): number {
    return this.presenceTotal;
  }

  /** Encoded bytes of a session's presence entry (0 without one). */
  presenceSizeOf(sessionId: number): number {
    return this.presenceSizes.get(sessionId) ?? 0;
  }

  /**
   * Set a session's presence (`bytes`: its encoded size), or with `null` clear it. Relaying the
   * change is the caller's job. Returns `false` when clearing an absent presence.
   */
  putPresence(sessionId: number, state: PresenceState | null, bytes: number): boolean {
    const old = this.presenceSizes.get(sessionId);
    if (state === null) {
      if (old === undefined) return false;
      this.presence.delete(sessionId);
      this.presenceSizes.delete(sessionId);
      this.presenceTotal -= old;
      return true;
    }
    this.presence.set(sessionId, state);
    this.presenceSizes.set(sessionId, bytes);
    this.presenceTotal += bytes - (old ?? 0);
    return true;
  }

  /** Send an encoded frame to every session in the room except `except`. Returns how many got it. */
  broadcast(frame: Uint8Array, except?: Session): number {
    // The frame as it is: connections copy their frames into one buffer per write window
    // (`ws-connection.ts`), so no Buffer view is made for them.
    let n = 0;
    for (const s of this.sessions) {
      if (s === except || s.state !== 'joined') continue;
      s.sendRaw(frame);
      n++;
    }
    return n;
  }
}

/** Options of {@link RoomRegistry}. */
export interface RoomRegistryOptions {
  readonly store: SqliteStore;
  readonly engine: DocumentEngine;
  readonly logger: Logger;
  /** Compact a document once this many updates follow its snapshot (0 disables). */
  readonly snapshotEvery: number;
  /** Unload a room this long after its last user left. */
  readonly idleMs: number;
  /** Timers for unloading and for spacing compactions. */
  readonly scheduler: Scheduler;
  /** Called when a stored update does not apply while loading (corruption). */
  readonly onCorrupt?: (docId: string) => void;
  /** Called after each compaction. */
  readonly onCompact?: (docId: string, entries: number) => void;
  /** Called when a room is loaded and storage held nothing of its document. */
  readonly onLoadedEmpty?: (docId: string) => void;
  /**
   * Writes a compaction (default: `store.compact` on this thread). The node passes its
   * committer's, so compactions share the commit thread and never wait for its lock here.
   */
  readonly writeCompaction?: (docId: string, snapshot: Uint8Array, upTo: number) => Promise<void>;
}

/** The rooms loaded on this node. */
export class RoomRegistry {
  private readonly rooms = new Map<string, Room>();
  /** Log entries after the latest snapshot, per document (known for loaded or recently written documents). */
  private readonly logLength = new Map<string, number>();
  private closed = false;
  /** Documents waiting for compaction, done one per macrotask so clients are served in between. */
  private readonly compactQueue = new Set<string>();
  private compactTimer: TimerHandle | null = null;
  private compacting = false;

  constructor(private readonly options: RoomRegistryOptions) {}

  /** Number of loaded rooms. */
  get size(): number {
    return this.rooms.size;
  }

  /** Every loaded room. */
  all(): IterableIterator<Room> {
    return this.rooms.values();
  }

  /** The loaded room of `docId`, if any. */
  get(docId: string): Room | undefined {
    return this.rooms.get(docId);
  }

  /**
   * The room of `docId`, loaded from storage if needed (synchronous: SQLite reads are). The
   * caller must {@link release} it (or add a session and release when it leaves).
   */
  acquire(docId: string): Room {
    let room = this.rooms.get(docId);
    if (!room) {
      room = this.load(docId);
      this.rooms.set(docId, room);
    }
    room.idleTimer?.cancel();
    room.idleTimer = null;
    room.holds++;
    return room;
  }

  /** Give back a hold taken by {@link acquire}; an unused room unloads after the idle delay. */
  release(room: Room): void {
    room.holds--;
    this.maybeUnload(room);
  }

  /** Schedule unloading if nobody uses the room. */
  maybeUnload(room: Room): void {
    if (room.holds > 0 || room.sessions.size > 0 || room.idleTimer || this.closed) return;
    room.idleTimer = this.options.scheduler.setTimer(this.options.idleMs, () => {
      room.idleTimer = null;
      if (room.holds > 0 || room.sessions.size > 0) return;
      if (this.rooms.get(room.docId) === room) this.rooms.delete(room.docId);
    });
  }

  private load(docId: string): Room {
    const { store, engine, logger } = this.options;
    const stored = store.load(docId);
    const doc = engine.create();
    const parts = stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates;
    for (const u of parts) {
      try {
        doc.apply(u);
      } catch (e) {
        logger.error({ docId, err: e }, 'stored update does not apply; skipped');
        this.options.onCorrupt?.(docId);
      }
    }
    this.logLength.set(docId, stored.updates.length);
    if (parts.length === 0) this.options.onLoadedEmpty?.(docId);
    return new Room(docId, doc);
  }

  /**
   * Note committed log entries per document; documents whose log grew past the threshold are
   * queued for compaction (one per macrotask, so many documents crossing it together do not
   * stall the event loop).
   */
  committed(perDoc: ReadonlyMap<string, number>): void {
    if (this.closed) return;
    const every = this.options.snapshotEvery;
    for (const [docId, n] of perDoc) {
      const len = (this.logLength.get(docId) ?? this.options.store.logLength(docId) - n) + n;
      this.logLength.set(docId, len);
      if (every > 0 && len >= every) this.compactQueue.add(docId);
    }
    this.scheduleCompaction();
  }

  private scheduleCompaction(): void {
    if (this.compactTimer || this.compacting || this.compactQueue.size === 0 || this.closed) return;
    this.compactTimer = this.options.scheduler.setTimer(0, () => {
      this.compactTimer = null;
      const next = this.compactQueue.values().next();
      if (next.done) return;
      this.compactQueue.delete(next.value);
      this.compacting = true;
      void this.compact(next.value).finally(() => {
        this.compacting = false;
        this.scheduleCompaction();
      });
    });
  }

  /**
   * Replace the document's snapshot and log with a new snapshot and drop the covered entries,
   * in one transaction. When the room is loaded and its document holds everything it was given,
   * the snapshot is the document itself (every stored update was applied to it first; it may
   * also hold a few not yet committed, which is harmless: updates are idempotent). Otherwise the
   * stored bytes are merged, so updates held for missing dependencies are kept. A failure
   * leaves the stored state as it was (and is logged, never thrown).
   */
  async compact(docId: string): Promise<void> {
    const { store, engine, logger } = this.options;
    const write =
      this.options.writeCompaction ??
      ((d: string, snap: Uint8Array, upTo: number) => Promise.resolve(store.compact(d, snap, upTo)));
    try {
      const room = this.rooms.get(docId);
      let snapshot: Uint8Array;
      let upTo: number;
      let entries: number;
      if (room?.doc.complete()) {
        upTo = store.lastSeq(docId);
        entries = this.logLength.get(docId) ?? 0;
        if (upTo === 0) return;
        snapshot = room.doc.snapshot();
      } else {
        const stored = store.load(docId);
        if (stored.updates.length === 0) return;
        snapshot = engine.merge(stored.snapshot ? [stored.snapshot, ...stored.updates] : [...stored.updates]);
        upTo = stored.lastSeq;
        entries = stored.updates.length;
      }
      this.logLength.set(docId, 0);
      await write(docId, snapshot, upTo);
      this.options.onCompact?.(docId, entries);
    } catch (e) {
      logger.error({ docId, err: e }, 'compaction failed; the log is kept');
    }
  }

  /** Stop scheduling unloads and drop every room (shutdown). */
  close(): void {
    this.closed = true;
    this.compactTimer?.cancel();
    this.compactQueue.clear();
    for (const r of this.rooms.values()) r.idleTimer?.cancel();
    this.rooms.clear();
  }
}
