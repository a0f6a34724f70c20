/**
 * The undo manager: undo and redo of this replica's own changes, grouped by time, that never
 * undoes other users' work (see {@link UndoStep} for how each kind of change is reverted).
 *
 * It listens to the document: change events tell it which transactions are local and keep its
 * content mirrors current ({@link ContentMirror}), and each transaction's update tells it which ids
 * were deleted. Undo and redo are ordinary local transactions (they sync like any edit) whose
 * origin is the manager itself.
 */
import { AccordError } from '../errors.js';
import type { DocMap } from './collections.js';
import type { ChangeEvent, Container } from './container.js';
import type { Doc } from './doc.js';
import { ContentMirror, type DeletedContent, type MapPrev } from './undo-mirror.js';
import { ownEntry, recordDeletes, recordOwnStructs } from './undo-record.js';
import { Replacements } from './undo-replacements.js';
import { UndoStep } from './undo-step.js';

export { UndoStep } from './undo-step.js';

/** Options of {@link UndoManager}. */
export interface UndoManagerOptions {
  /** Containers to track (with everything nested inside). Default: the whole document. */
  scope?: Container | readonly Container[];
  /**
   * Origins of the local transactions to track (an origin matches when it is in the set, or is
   * an object whose constructor is). Default: every local transaction except those of other
   * undo managers.
   */
  trackedOrigins?: Iterable<unknown>;
  /** Changes less than this many milliseconds apart form one step. Default 500. */
  captureTimeout?: number;
  /** Most steps kept per stack; the oldest are dropped. Default 500. */
  maxSteps?: number;
  /** Clock in milliseconds (default `Date.now`), injectable for tests. */
  now?: () => number;
}

/** Why the stacks changed. */
export type UndoStackReason = 'add' | 'merge' | 'undo' | 'redo' | 'clear';

/** Tells the UI that the stacks changed (to enable or disable undo and redo buttons). */
export interface UndoStackEvent {
  reason: UndoStackReason;
  /** The step added, merged into, undone or redone (null for `clear`). */
  step: UndoStep | null;
  undoSize: number;
  redoSize: number;
}

/** Receives {@link UndoStackEvent}s. */
export type UndoStackListener = (event: UndoStackEvent) => void;

/**
 * Undo/redo of this replica's own changes in a {@link Doc}.
 *
 * ```ts
 * const undo = new UndoManager(doc, { scope: doc.getText('body') });
 * text.insert(0, 'hello');   // one step (changes < captureTimeout apart group)
 * undo.undo();               // removes 'hello' on every replica once synced
 * undo.redo();
 * ```
 *
 * Concurrency: only local transactions are recorded (applied updates never are). Undo removes
 * only units this replica inserted, restores deleted content next to its old neighbours even if
 * remote edits moved them, reverts a map key only while this replica's write is its current
 * state, and counters by the opposite increment; another replica's later or concurrent changes
 * always stay. Undo and redo are local transactions with this manager as origin.
 *
 * Cost: the manager observes the tracked containers (so the document reports change events) and
 * keeps a copy of their content (texts in 1 KB chunks) to know what a deletion removed.
 */
export class UndoManager {
  private readonly undoStack: UndoStep[] = [];
  private readonly redoStack: UndoStep[] = [];
  private readonly listeners: UndoStackListener[] = [];
  private readonly mirror = new ContentMirror();
  private replaced = new Replacements();
  private readonly scope: readonly Container[] | null;
  private readonly tracked: Set<unknown> | null;
  private readonly captureTimeout: number;
  private readonly maxSteps: number;
  private readonly now: () => number;
  private readonly observed = new Set<Container>();
  private readonly unobserve: (() => void)[] = [];
  /** Per transaction (reset at its update): events seen, local flag, deleted content per sequence. */
  private seen = new Set<ChangeEvent>();
  private sawLocal = false;
  private deletedContent = new Map<Container, DeletedContent>();
  private mapPrev: (MapPrev & { map: DocMap })[] = [];
  /** This replica's next clock after the last transaction. */
  private ownClock: number;
  private mode: 'normal' | 'undoing' | 'redoing' = 'normal';
  private capturing = true;
  private readonly onUpdate = (update: Uint8Array, origin: unknown): void =>
    this.afterTransaction(update, origin);

  /**
   * Start tracking `doc` (or the `scope` containers in it).
   * @throws {AccordError} `invalid-argument` for a bad option.
   */
  constructor(
    readonly doc: Doc,
    options: UndoManagerOptions = {},
  ) {
    const timeout = options.captureTimeout ?? 500;
    const max = options.maxSteps ?? 500;
    if (!(timeout >= 0)) throw new AccordError('invalid-argument', 'captureTimeout must be >= 0');
    if (!Number.isInteger(max) || max < 1) throw new AccordError('invalid-argument', 'maxSteps must be >= 1');
    this.captureTimeout = timeout;
    this.maxSteps = max;
    this.now = options.now ?? Date.now;
    this.tracked = options.trackedOrigins === undefined ? null : new Set(options.trackedOrigins);
    const s = options.scope;
    this.scope = s === undefined ? null : Array.isArray(s) ? s.slice() : [s as Container];
    for (const c of this.scope ?? []) {
      if (c.doc !== doc) throw new AccordError('invalid-argument', 'scope container of another document');
      this.observe(c);
    }
    if (this.scope === null) this.observeNewRoots();
    this.ownClock = doc.nextClock;
    doc.on('update', this.onUpdate);
  }

  /** Number of steps that can be undone. */
  get undoSize(): number {
    return this.undoStack.length;
  }

  /** Number of steps that can be redone. */
  get redoSize(): number {
    return this.redoStack.length;
  }

  /** True when there is a step to undo. */
  canUndo(): boolean {
    return this.undoStack.length > 0;
  }

  /** True when there is a step to redo. */
  canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  /** The step that {@link undo} would revert (to read or write its `meta`), or null. */
  peekUndo(): UndoStep | null {
    return this.undoStack[this.undoStack.length - 1] ?? null;
  }

  /** The step that {@link redo} would apply, or null. */
  peekRedo(): UndoStep | null {
    return this.redoStack[this.redoStack.length - 1] ?? null;
  }

  /**
   * Revert the last step of this replica's own changes as one local transaction (origin: this
   * manager); the revert becomes a redo step. Other replicas' changes, including those made
   * concurrently inside the same text, are kept. Returns false when there was nothing to undo.
   * @throws {AccordError} `invalid-argument` when called inside a transaction or from an
   * observer of an undo or redo.
   */
  undo(): boolean {
    return this.pop('undo');
  }

  /**
   * Re-apply the last undone step (as one local transaction, origin: this manager). Returns
   * false when there is none. Throws like {@link undo}.
   */
  redo(): boolean {
    return this.pop('redo');
  }

  /** End the current step: the next change starts a new one even within `captureTimeout`. */
  stopCapturing(): void {
    this.capturing = false;
  }

  /** Drop the undo and/or redo stacks. */
  clear(undo = true, redo = true): void {
    if (undo) this.undoStack.length = 0;
    if (redo) this.redoStack.length = 0;
    // No step refers to earlier copies any more: forget them.
    if (this.undoStack.length === 0 && this.redoStack.length === 0) this.replaced = new Replacements();
    this.emit('clear', null);
  }

  /** Listen to stack changes; returns the function that stops listening. */
  on(event: 'stack-change', fn: UndoStackListener): () => void {
    if (event !== 'stack-change') throw new AccordError('invalid-argument', `unknown event ${String(event)}`);
    this.listeners.push(fn);
    return () => this.off(event, fn);
  }

  /** Stop listening. */
  off(_event: 'stack-change', fn: UndoStackListener): void {
    const i = this.listeners.indexOf(fn);
    if (i >= 0) this.listeners.splice(i, 1);
  }

  /** Stop tracking the document and drop both stacks. */
  destroy(): void {
    this.doc.off('update', this.onUpdate);
    for (const u of this.unobserve) u();
    this.unobserve.length = 0;
    this.observed.clear();
    this.mirror.clear();
    this.undoStack.length = 0;
    this.redoStack.length = 0;
  }

  private pop(kind: 'undo' | 'redo'): boolean {
    if (this.mode !== 'normal')
      throw new AccordError('invalid-argument', 'undo/redo called during undo/redo');
    const stack = kind === 'undo' ? this.undoStack : this.redoStack;
    const step = stack[stack.length - 1];
    if (step === undefined) return false;
    // Our own transaction (origin: this manager), so the revert becomes the opposite step.
    if (!this.doc.begin(this, true))
      throw new AccordError('invalid-argument', 'undo/redo cannot run inside an open transaction');
    stack.pop();
    this.mode = kind === 'undo' ? 'undoing' : 'redoing';
    try {
      try {
        step.revert(this.doc, this.replaced);
      } finally {
        this.doc.commit();
      }
    } finally {
      this.mode = 'normal';
      this.capturing = false;
    }
    this.emit(kind, step);
    return true;
  }

  private emit(reason: UndoStackReason, step: UndoStep | null): void {
    const ev: UndoStackEvent = {
      reason,
      step,
      undoSize: this.undoStack.length,
      redoSize: this.redoStack.length,
    };
    for (const fn of this.listeners.slice()) fn(ev);
  }

  private observe(c: Container): void {
    if (this.observed.has(c)) return;
    this.observed.add(c);
    this.mirror.track(c);
    this.unobserve.push(c.observeDeep((events) => this.onEvents(events)));
  }

  private observeNewRoots(): void {
    for (const [, c] of this.doc.rootEntries()) if (!this.observed.has(c)) this.observe(c);
  }

  private onEvents(events: ChangeEvent[]): void {
    for (const ev of events) {
      if (this.seen.has(ev)) continue;
      this.seen.add(ev);
      if (ev.local) this.sawLocal = true;
      const kind = ev.target.kind;
      if (kind === 'text' || kind === 'list') {
        const del = this.mirror.applySequence(ev, ev.local);
        if (del !== null && del.length > 0) this.deletedContent.set(ev.target, del);
      } else if (kind === 'map') {
        const prev = this.mirror.applyMap(ev);
        if (ev.local) for (const p of prev) this.mapPrev.push({ map: ev.target as DocMap, ...p });
      }
    }
  }

  private readonly inScopeFn = (c: Container): boolean => this.inScope(c);

  private inScope(c: Container): boolean {
    if (this.scope === null) return true;
    for (let x: Container | null = c; x !== null; x = x.parent) if (this.scope.includes(x)) return true;
    return false;
  }

  private isTrackedOrigin(origin: unknown): boolean {
    if (origin === this) return true;
    if (this.tracked !== null) {
      if (this.tracked.has(origin)) return true;
      return typeof origin === 'object' && origin !== null && this.tracked.has(origin.constructor);
    }
    return !(origin instanceof UndoManager);
  }

  private afterTransaction(update: Uint8Array, origin: unknown): void {
    const ownBefore = this.ownClock;
    const ownAfter = this.doc.nextClock;
    this.ownClock = ownAfter;
    const local = this.sawLocal || ownAfter > ownBefore;
    const deletedContent = this.deletedContent;
    const mapPrev = this.mapPrev;
    this.seen = new Set();
    this.sawLocal = false;
    this.deletedContent = new Map();
    this.mapPrev = [];
    if (this.scope === null) this.observeNewRoots();
    if (!local || !this.isTrackedOrigin(origin)) return;
    const step = new UndoStep(this.now(), this.now());
    for (const p of mapPrev) {
      if (!this.inScope(p.map)) continue;
      step.addMapChange(p.map, p.key, p, ownEntry(p.map, p.key, ownBefore));
    }
    recordOwnStructs(this.doc, step, ownBefore, ownAfter, this.inScopeFn);
    recordDeletes(this.doc, step, update, ownBefore, deletedContent, this.inScopeFn);
    if (step.isEmpty) return;
    this.push(step, origin);
  }

  private push(step: UndoStep, origin: unknown): void {
    if (origin === this && this.mode === 'undoing') {
      this.redoStack.push(step);
      if (this.redoStack.length > this.maxSteps) this.redoStack.shift();
      return;
    }
    const top = this.undoStack[this.undoStack.length - 1];
    if (
      origin !== this &&
      top !== undefined &&
      this.capturing &&
      step.lastChange - top.lastChange < this.captureTimeout
    ) {
      top.absorb(step);
      this.redoStack.length = 0;
      this.emit('merge', top);
      return;
    }
    this.undoStack.push(step);
    if (this.undoStack.length > this.maxSteps) this.undoStack.shift();
    if (origin !== this) {
      this.redoStack.length = 0;
      this.capturing = true;
      this.emit('add', step);
    }
  }
}
