/**
 * The base of every shared type in a document (map, list, text, counter): identity (a root name
 * or the id of the struct that holds it), its parent, observers, and pending change records.
 *
 * A nested container lives as long as the struct that holds it (a map entry or a list element).
 * Deleting that struct kills the container for good: it disappears from `toJSON()`, and edits
 * made inside it concurrently (or later, through a stale reference) are kept out of view on every
 * replica (replicas that never saw its content store them as collected ids). A concurrent write
 * of a new container under the same key is a different container and stays.
 *
 * Also here, because a container and its document refer to each other: {@link DocCore}, the
 * document as its containers see it (implemented by `Doc` in `doc.ts`, which creates the
 * containers), and the change events containers deliver ({@link ChangeEvent}).
 */
import type { HybridClock } from '../clock/hlc.js';
import type { ContainerKind } from '../format/kinds.js';
import type { SequenceEnv } from '../sequence/env.js';
import type { TextDeltaOp } from './text-delta.js';

/**
 * The document as its containers see it: what `Container`, `Text`, `List`, `DocMap` and
 * `Counter` use of the `Doc` that holds them. Every `DocCore` is a `Doc` (the only
 * implementation); containers are typed against this interface so that `container.ts` and the
 * container classes do not depend on `doc.ts`, which depends on them. `Doc.of(container)` gives
 * the document typed as a `Doc`.
 */
export interface DocCore extends SequenceEnv {
  /** This replica's id. */
  readonly clientId: number;
  /** Clock for map write timestamps. */
  readonly hlc: HybridClock;
  /** Next clock of this replica. */
  readonly nextClock: number;
  /** Number of observers of any container (0 lets edits skip event bookkeeping). */
  observerCount: number;
  /** Whether the document is frozen (every change throws `AccordError('read-only')`). */
  readonly readOnly: boolean;
  /** The local index of replica `id`, or undefined when this document never heard of it. */
  knownClientIndex(id: number): number | undefined;
  /**
   * Run `fn` as one transaction (one update, one round of events, tagged with `origin`); nested
   * calls join the outer one. See `Doc.transact`.
   */
  transact<T>(fn: () => T, origin?: unknown): T;
  /** Open a transaction unless one is open; returns true when this call opened it. */
  begin(origin?: unknown, local?: boolean): boolean;
  /** Close the open transaction: deliver events, then the update. */
  commit(): void;
  /** Note that `c` has events to deliver at commit. */
  markDirty(c: Container): void;
  /** True while the struct holding nested container `c` is not deleted. */
  holderAlive(c: Container): boolean;
  /** Make a container object (no struct is created); `concurrent` applies to maps. */
  createContainer(
    kind: ContainerKind,
    rootName: string | null,
    holderClient: number,
    holderClock: number,
    parent: Container | null,
    concurrent?: boolean,
  ): Container;
}

/**
 * The listener list of every container nobody observed yet: one shared empty array, never added
 * to (the first observer gets the container its own), so an unobserved container holds none.
 */
const NO_LISTENERS: never[] = [];

/** Shared behaviour of all document types. */
export abstract class Container {
  /** Which shared type this is. */
  abstract readonly kind: ContainerKind;
  /** Observers of this container (the shared {@link NO_LISTENERS} until the first). */
  private listeners: ChangeListener[] = NO_LISTENERS;
  /** Observers of this container and its descendants (the shared {@link NO_LISTENERS} until the first). */
  private deepListeners: DeepChangeListener[] = NO_LISTENERS;
  /** Changes recorded during the current transaction (only while someone observes). @internal */
  pendingChanges: SequenceChange[] = [];
  /** Keys changed in the current transaction (maps, only while someone observes); null until one is. @internal */
  pendingKeys: Set<string> | null = null;
  /** @internal */
  pendingDelta = 0;
  /** True when this container changed in the current transaction. @internal */
  dirty = false;
  /** True for a map that keeps concurrent values (see `MapOptions`); false for every other. @internal */
  concurrent = false;

  /** @internal */
  constructor(
    /** The document (a `Doc`; `Doc.of(container)` gives it to applications). @internal */
    readonly doc: DocCore,
    /** Root name, or null for a nested container. */
    readonly rootName: string | null,
    /** Id of the struct that holds a nested container (client, clock); -1 for roots. @internal */
    readonly holderClient: number,
    /** @internal */
    readonly holderClock: number,
    /** The container holding this one (null for roots). */
    readonly parent: Container | null,
  ) {}

  /** True when someone observes this container or an ancestor deeply. @internal */
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
    if (this.listeners === NO_LISTENERS) this.listeners = [fn];
    else this.listeners.push(fn);
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
    if (this.deepListeners === NO_LISTENERS) this.deepListeners = [fn];
    else this.deepListeners.push(fn);
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

  /** Mark this container changed in the current transaction (if someone listens). @internal */
  protected touch(): void {
    if (!this.dirty) {
      this.dirty = true;
      this.doc.markDirty(this);
    }
  }

  /** Note `key` changed in this transaction (a map's, while someone observes it). @internal */
  protected keyChanged(key: string): void {
    if (this.pendingKeys === null) this.pendingKeys = new Set();
    this.pendingKeys.add(key);
    this.touch();
  }

  /** Build and clear this transaction's event; null when nothing visible changed. @internal */
  takeEvent(origin: unknown, local: boolean): ChangeEvent | null {
    this.dirty = false;
    const changes = this.pendingChanges;
    const keys = this.pendingKeys;
    const delta = this.pendingDelta;
    // The event (and a subclass reading `pendingChanges` first) owns the array it saw.
    this.pendingChanges = [];
    this.pendingKeys = null;
    this.pendingDelta = 0;
    if (changes.length === 0 && keys === null && delta === 0) return null;
    return {
      target: this,
      changes,
      keysChanged: keys ?? new Set(),
      delta,
      origin,
      local,
    };
  }

  /** Deliver `ev` to direct observers (all of them; the first error is rethrown after). @internal */
  emit(ev: ChangeEvent): void {
    callAll(this.listeners.slice(), (fn) => fn(ev));
  }

  /** Deliver collected events to deep observers (all of them; the first error is rethrown after). @internal */
  emitDeep(events: ChangeEvent[]): void {
    callAll(this.deepListeners.slice(), (fn) => fn(events));
  }

  /** True when this container has deep observers. @internal */
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

/**
 * One visible change of a text or list, in the order they happened: apply them one after the
 * other to the previous content (an `index` always refers to the content after earlier changes).
 */
export interface SequenceChange {
  /** Visible position (UTF-16 code units for text, elements for lists). */
  index: number;
  /** Inserted units (a string for text, an array for lists). */
  insert?: string | unknown[];
  /** Number of deleted units. */
  delete?: number;
}

/** What changed in one container during one transaction. */
export interface ChangeEvent {
  /** The container that changed. */
  target: Container;
  /** Text and list: the visible changes, in order. */
  changes: SequenceChange[];
  /** Map: the keys whose value (or set of concurrent values) changed. */
  keysChanged: Set<string>;
  /** Counter: the sum of increments applied. */
  delta: number;
  /**
   * Text: the change as a rich-text delta (Quill and Yjs shape): retains, deletes, inserts with
   * the attributes the new text has, and retains with the attributes that changed (`null`:
   * removed) where formatting changed. Applying it to the text as it was (`applyDelta` on a copy)
   * gives the text as it is. Absent for other containers.
   */
  textDelta?: TextDeltaOp[];
  /** The transaction origin (`transact(fn, origin)` or `applyUpdate(doc, bytes, origin)`). */
  origin: unknown;
  /** True for changes made by this replica, false for applied updates. */
  local: boolean;
}

/** Receives a container's events. */
export type ChangeListener = (event: ChangeEvent) => void;

/** Receives all events of a container and of every container nested in it, once per transaction. */
export type DeepChangeListener = (events: ChangeEvent[]) => void;
