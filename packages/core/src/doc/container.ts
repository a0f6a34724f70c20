/**
 * The base of every shared type in a document (map, list, text, counter): identity (a root name
 * or the id of the struct that holds it), its parent, observers, and pending change records.
 *
 * A nested container lives as long as the struct that holds it (a map entry or a list element).
 * Deleting that struct kills the container for good: it disappears from `toJSON()`, and edits
 * made inside it concurrently (or later, through a stale reference) are kept out of view on every
 * replica (replicas that never saw its content store them as collected ids). A concurrent write
 * of a new container under the same key is a different container and stays.
 */
import type { ContainerKind } from '../format/kinds.js';
import type { Doc } from './doc.js';
import type { ChangeEvent, ChangeListener, DeepChangeListener, SequenceChange } from './events.js';

/** Shared behaviour of all document types. */
export abstract class Container {
  /** Which shared type this is. */
  abstract readonly kind: ContainerKind;
  /** Observers of this container. */
  private listeners: ChangeListener[] = [];
  /** Observers of this container and its descendants. */
  private deepListeners: DeepChangeListener[] = [];
  /** Changes recorded during the current transaction (only while someone observes). */
  pendingChanges: SequenceChange[] = [];
  pendingKeys = new Set<string>();
  pendingDelta = 0;
  /** True when this container changed in the current transaction. */
  dirty = false;
  /** True for a map that keeps concurrent values (see `MapOptions`); false for every other. */
  concurrent = false;

  constructor(
    /** The document. */
    readonly doc: Doc,
    /** Root name, or null for a nested container. */
    readonly rootName: string | null,
    /** Id of the struct that holds a nested container (client, clock); -1 for roots. */
    readonly holderClient: number,
    readonly holderClock: number,
    /** The container holding this one (null for roots). */
    readonly parent: Container | null,
  ) {}

  /** True when someone observes this container or an ancestor deeply. */
  get tracking(): boolean {
    if (this.doc.observerCount === 0) return false;
    if (this.listeners.length > 0) return true;
    for (let c: Container | null = this; c !== null; c = c.parent)
      if (c.deepListeners.length > 0) return true;
    return false;
  }

  /**
   * False once the struct holding this container (or an ancestor) was deleted: the container
   * then is out of the document for good (see the module comment).
   */
  get alive(): boolean {
    for (let c: Container | null = this; c !== null && c.parent !== null; c = c.parent) {
      if (!c.doc.holderAlive(c)) return false;
    }
    return true;
  }

  /**
   * Call `fn` after every transaction that changed this container, with what changed.
   * Returns a function that stops observing.
   */
  observe(fn: ChangeListener): () => void {
    this.listeners.push(fn);
    this.doc.observerCount++;
    return () => this.unobserve(fn);
  }

  /** Stop calling `fn`. */
  unobserve(fn: ChangeListener): void {
    const i = this.listeners.indexOf(fn);
    if (i >= 0) {
      this.listeners.splice(i, 1);
      this.doc.observerCount--;
    }
  }

  /**
   * Call `fn` once per transaction that changed this container or any container inside it, with
   * all their events. Returns a function that stops observing.
   */
  observeDeep(fn: DeepChangeListener): () => void {
    this.deepListeners.push(fn);
    this.doc.observerCount++;
    return () => this.unobserveDeep(fn);
  }

  /** Stop calling `fn`. */
  unobserveDeep(fn: DeepChangeListener): void {
    const i = this.deepListeners.indexOf(fn);
    if (i >= 0) {
      this.deepListeners.splice(i, 1);
      this.doc.observerCount--;
    }
  }

  /** Mark this container changed in the current transaction (if someone listens). */
  protected touch(): void {
    if (!this.dirty) {
      this.dirty = true;
      this.doc.markDirty(this);
    }
  }

  /** Build and clear this transaction's event; null when nothing visible changed. */
  takeEvent(origin: unknown, local: boolean): ChangeEvent | null {
    this.dirty = false;
    const ev: ChangeEvent = {
      target: this,
      changes: this.pendingChanges,
      keysChanged: this.pendingKeys,
      delta: this.pendingDelta,
      origin,
      local,
    };
    this.pendingChanges = [];
    this.pendingKeys = new Set();
    this.pendingDelta = 0;
    if (ev.changes.length === 0 && ev.keysChanged.size === 0 && ev.delta === 0) return null;
    return ev;
  }

  /** Deliver `ev` to direct observers (all of them; the first error is rethrown after). */
  emit(ev: ChangeEvent): void {
    callAll(this.listeners.slice(), (fn) => fn(ev));
  }

  /** Deliver collected events to deep observers (all of them; the first error is rethrown after). */
  emitDeep(events: ChangeEvent[]): void {
    callAll(this.deepListeners.slice(), (fn) => fn(events));
  }

  /** True when this container has deep observers. */
  get hasDeepListeners(): boolean {
    return this.deepListeners.length > 0;
  }

  /** The content as plain JSON. */
  abstract toJSON(): unknown;
}

/** Call `call` on every listener; rethrow the first error once all were called. */
function callAll<F>(listeners: F[], call: (fn: F) => void): void {
  let failure: { error: unknown } | null = null;
  for (const fn of listeners) {
    try {
      call(fn);
    } catch (error) {
      if (failure === null) failure = { error };
    }
  }
  if (failure !== null) throw failure.error;
}
