/**
 * Keeps a CodeMirror view and an Accord `Text` in step.
 *
 * - Local: every CodeMirror transaction that changes the document (and is not itself a remote
 *   change) becomes one Accord transaction with the binding's origin, which the undo manager
 *   tracks.
 * - Remote: every Accord transaction from elsewhere (another replica, undo/redo, a direct edit of
 *   the `Text`) becomes one CodeMirror transaction annotated {@link accordRemote} and kept out of
 *   CodeMirror's own history. The local selection is kept on its characters: its ends are cursor
 *   anchors (attached to the character before each end), resolved again after the change. After
 *   an undo or redo the caret goes to the end of what changed.
 * - During an IME composition remote changes wait (writing into the composed text would cancel
 *   it); local changes made meanwhile are rebased over them (see `rebase`), and they are shown
 *   once the composition ends.
 *
 * If the two sides ever disagree on the length (they should not), or the document refuses an edit
 * (a frozen, read-only `Doc`), the editor is reset to the Accord text.
 */
import {
  type Anchor,
  type ChangeEvent,
  resolveAnchor,
  type Text,
  type TimerHandle,
  UndoManager,
} from '@accord/core';
import {
  type ChangeSet,
  EditorSelection,
  type SelectionRange,
  Transaction,
  type TransactionSpec,
} from '@codemirror/state';
import { type EditorView, logException, ViewPlugin, type ViewUpdate } from '@codemirror/view';
import { accordRemote, type BindingConfig, bindingFacet } from './binding.js';
import { caretAfterChanges, clampedRange, rebase, textChangesToChangeSet } from './changes.js';
import { anchorAt, cursorValue } from './presence.js';

/** The selection as anchors: per range, its anchor and head (the same object for a caret). */
interface AnchoredSelection {
  readonly ranges: readonly { readonly anchor: Anchor; readonly head: Anchor }[];
  readonly main: number;
}

/**
 * The binding of one editor view (a CodeMirror view plugin). Unless `accordCollab` was given an
 * `origin`, the instance itself is the origin of the Accord transactions it makes, so an undo
 * manager shared by several editors can track them all with `trackedOrigins: [AccordSync]`.
 */
export class AccordSync {
  readonly conf: BindingConfig;
  /** Origin of the Accord transactions made from this editor's changes. */
  readonly origin: object;
  /** The undo manager the keys and commands use. */
  readonly undoManager: UndoManager;
  readonly #ownsUndo: boolean;
  readonly #view: EditorView;
  readonly #unobserve: () => void;
  /** Remote changes not shown yet (during a composition), against the editor's document. */
  #pending: ChangeSet | null = null;
  #catchUpScheduled = false;
  #needsResync = false;
  #failedDispatches = 0;
  #anchors: AnchoredSelection | null = null;
  #cursorTimer: TimerHandle | undefined;
  #lastCursorAt = Number.NEGATIVE_INFINITY;
  #engaged = false;
  #destroyed = false;

  constructor(view: EditorView) {
    const conf = view.state.facet(bindingFacet);
    if (!conf) throw new Error('AccordSync needs the accordCollab extension');
    this.conf = conf;
    this.origin = conf.origin ?? this;
    this.#view = view;
    this.#ownsUndo = conf.undoManager === undefined;
    this.undoManager =
      conf.undoManager ?? new UndoManager(conf.doc, { scope: conf.text, trackedOrigins: [this.origin] });
    this.#unobserve = conf.text.observe(this.#onAccord);
    if (view.state.doc.length !== conf.text.length || view.state.doc.toString() !== conf.text.toString()) {
      // Created with another document: show the shared text (outside this update cycle).
      this.#needsResync = true;
      this.#schedule();
    } else {
      this.#anchors = this.#anchorSelection(view.state.selection);
    }
  }

  update(update: ViewUpdate): void {
    const { text, doc } = this.conf;
    const origin = this.origin;
    let local = false;
    let moved = false;
    for (const tr of update.transactions) {
      if (tr.annotation(accordRemote)) continue;
      if (tr.selection) moved = true;
      if (!tr.docChanged) {
        // The caret moved on its own (click, arrow keys): the next edit starts a new undo step.
        if (tr.selection && tr.isUserEvent('select')) this.undoManager.stopCapturing();
        continue;
      }
      local = true;
      let changes = tr.changes;
      if (this.#pending) {
        const rebased = rebase(changes, this.#pending);
        changes = rebased.local;
        this.#pending = rebased.pending;
      }
      try {
        doc.transact(() => {
          changes.iterChanges((fromA, toA, fromB, _toB, inserted) => {
            if (toA > fromA) text.delete(fromB, toA - fromA);
            if (inserted.length > 0) text.insert(fromB, inserted.toString());
          });
        }, origin);
      } catch (error) {
        // The document refused the edit (a frozen, read-only document): report it and show the
        // text as it is again, rather than let the editor drift from it.
        logException(update.state, error, 'accordCollab');
        this.#needsResync = true;
        this.#schedule();
        return;
      }
    }
    const expected = this.#pending ? this.#pending.newLength : update.state.doc.length;
    if (local && text.length !== expected) {
      this.#needsResync = true;
      this.#schedule();
      return;
    }
    if (update.focusChanged && update.view.hasFocus) this.#engaged = true;
    if (this.#pending) {
      if (!update.view.compositionStarted) this.#schedule();
      return;
    }
    if (update.docChanged || update.selectionSet) {
      this.#anchors = this.#anchorSelection(update.state.selection);
    }
    // Publish the cursor when this user moved it or edited; a remote edit leaves it where it is
    // (its anchors are attached to characters, so the others still resolve it right).
    if (this.#engaged && (local || moved || update.focusChanged)) this.#scheduleCursor();
  }

  destroy(): void {
    this.#destroyed = true;
    this.#unobserve();
    this.#cursorTimer?.cancel();
    this.#cursorTimer = undefined;
    if (this.#ownsUndo) this.undoManager.destroy();
    const { presence, publishCursor } = this.conf;
    if (presence && publishCursor && this.#engaged) {
      try {
        presence.updatePresence({ cursor: null });
      } catch {
        // The provider went first (closed with its document): nobody is left to tell.
      }
    }
  }

  /** Show remote changes that waited for a composition to end (called when it may have ended). */
  flushPending(): void {
    // A task, not a microtask: CodeMirror reads the composition's last DOM change in a microtask.
    if (this.#pending) this.conf.scheduler.setTimer(0, () => this.#schedule());
  }

  readonly #onAccord = (event: ChangeEvent): void => {
    if (this.#destroyed || event.origin === this.origin) return;
    const view = this.#view;
    const base = this.#pending ? this.#pending.newLength : view.state.doc.length;
    let changes: ChangeSet;
    try {
      changes = textChangesToChangeSet(event.changes, base);
    } catch {
      this.#needsResync = true;
      this.#schedule();
      return;
    }
    if (this.#pending || view.compositionStarted) {
      this.#pending = this.#pending ? this.#pending.compose(changes) : changes;
      if (!view.compositionStarted) this.#schedule();
      return;
    }
    const fromUndo = event.origin instanceof UndoManager;
    const mapped = view.state.selection.map(changes);
    const selection = fromUndo ? this.#caretAfter(changes, mapped) : this.#resolveSelection(changes, mapped);
    // Where the anchors agree with CodeMirror's own mapping (nearly always), leave the selection
    // to CodeMirror: the transaction then does not count as a selection change.
    this.#dispatchRemote(selection.eq(mapped) ? { changes } : { changes, selection });
    if (fromUndo) this.#scheduleCursor();
  };

  #dispatchRemote(spec: TransactionSpec): void {
    try {
      this.#view.dispatch({
        ...spec,
        annotations: [accordRemote.of(true), Transaction.addToHistory.of(false)],
      });
      this.#failedDispatches = 0;
    } catch (error) {
      // The view was mid-update (a change made from inside another update): catch up right
      // after it, by a full resync. Bounded: a dispatch that keeps failing is a real error.
      if (++this.#failedDispatches > 3) throw error;
      this.#needsResync = true;
      this.#schedule();
    }
  }

  /** The local selection after `changes`: each end where its anchor resolves now. */
  #resolveSelection(changes: ChangeSet, mapped: EditorSelection): EditorSelection {
    const anchors = this.#anchors;
    if (!anchors || anchors.ranges.length !== mapped.ranges.length) return mapped;
    const text = this.conf.text;
    const length = changes.newLength;
    const ranges: SelectionRange[] = anchors.ranges.map(({ anchor, head }, i) => {
      const a = resolveAnchor(text, anchor);
      const h = head === anchor ? a : resolveAnchor(text, head);
      const fallback = mapped.ranges[i] as SelectionRange;
      return clampedRange(a ?? fallback.anchor, h ?? fallback.head, length);
    });
    return EditorSelection.create(ranges, anchors.main);
  }

  #caretAfter(changes: ChangeSet, mapped: EditorSelection): EditorSelection {
    const caret = caretAfterChanges(changes);
    return caret === undefined ? mapped : EditorSelection.single(Math.min(caret, changes.newLength));
  }

  #anchorSelection(selection: EditorSelection): AnchoredSelection {
    const text = this.conf.text;
    return {
      main: selection.mainIndex,
      ranges: selection.ranges.map((range) => {
        const anchor = anchorAt(text, range.anchor);
        return { anchor, head: range.empty ? anchor : anchorAt(text, range.head) };
      }),
    };
  }

  /** Catch up (resync, or show pending changes) once the current update, if any, is over. */
  #schedule(): void {
    if (this.#catchUpScheduled) return;
    this.#catchUpScheduled = true;
    queueMicrotask(() => {
      this.#catchUpScheduled = false;
      if (this.#destroyed) return;
      if (this.#needsResync) this.#resync();
      else this.#flush();
    });
  }

  #flush(): void {
    const pending = this.#pending;
    if (!pending) return;
    if (this.#view.compositionStarted) return; // The next update after the composition retries.
    this.#pending = null;
    this.#dispatchRemote({ changes: pending, selection: this.#view.state.selection.map(pending) });
  }

  /** Replace the editor's content with the Accord text (recovery when the two disagree). */
  #resync(): void {
    const view = this.#view;
    this.#pending = null;
    this.#needsResync = false;
    const value = this.conf.text.toString();
    const head = Math.min(view.state.selection.main.head, value.length);
    this.#dispatchRemote({
      changes: { from: 0, to: view.state.doc.length, insert: value },
      selection: EditorSelection.single(head),
    });
  }

  #scheduleCursor(): void {
    const { presence, publishCursor, cursorThrottleMs, scheduler } = this.conf;
    if (!presence || !publishCursor || this.#cursorTimer !== undefined) return;
    const wait = Math.max(0, this.#lastCursorAt + cursorThrottleMs - scheduler.now());
    this.#cursorTimer = scheduler.setTimer(wait, () => {
      this.#cursorTimer = undefined;
      if (this.#destroyed) return;
      if (this.#pending) {
        this.#scheduleCursor();
        return;
      }
      this.#lastCursorAt = scheduler.now();
      const main = this.#view.state.selection.main;
      presence.updatePresence({ cursor: cursorValue(this.conf.text, main.anchor, main.head) });
    });
  }
}

/** The sync plugin; `view.plugin(syncPlugin)` gives a view's binding. */
export const syncPlugin = ViewPlugin.fromClass(AccordSync, {
  eventHandlers: {
    compositionend(this: AccordSync) {
      this.flushPending();
    },
  },
});

/** The Accord text a view is bound to, if it has the binding. */
export function boundText(view: EditorView): Text | undefined {
  return view.plugin(syncPlugin)?.conf.text;
}
