/**
 * Keeps a ProseMirror view and Accord blocks in step.
 *
 * - Local: whenever the editor's document differs from the one last in step with Accord, the
 *   difference (see `localDelta`) becomes one Accord transaction with the binding's origin, which
 *   the undo manager tracks.
 * - Remote: every Accord transaction from elsewhere (another replica, undo/redo, a direct edit of
 *   the blocks) becomes one ProseMirror transaction (see `applyRemoteDelta`), marked
 *   `accordSyncKey: 'remote'` and kept out of ProseMirror's history. Text typed by someone else
 *   right at the caret lands after it; after an undo or redo the caret goes to the end of what
 *   changed.
 *
 * If the two sides ever disagree (they should not), or the document refuses an edit (a frozen,
 * read-only `Doc`), the editor is reset to the Accord blocks.
 */
import {
  type Anchor,
  createAnchor,
  encodeAnchor,
  resolveAnchor,
  type TimerHandle,
  UndoManager,
} from '@accord/core';
import type { Node } from 'prosemirror-model';
import { type Selection, TextSelection, type Transaction } from 'prosemirror-state';
import type { EditorView } from 'prosemirror-view';
import { accordSyncKey, type BindingConfig } from './binding.js';
import type { BlockMapping, Layout } from './convert.js';
import type { BlocksChangeEvent, FlatDeltaOp } from './flat.js';
import { mayMoveTextBetweenNodes, revealedMarkFixes } from './hidden-marks.js';
import { changedBlocks, localDelta } from './local.js';
import { blockMoves } from './moves.js';
import { flatToPos, posToFlat } from './positions.js';
import type { CursorValue } from './presence.js';
import { applyRemoteDelta, replaceNarrowly } from './remote.js';

/** Live bindings by view (set by the sync plugin's view). */
export const bindings: WeakMap<object, AccordSync> = new WeakMap();

/**
 * The binding of one editor view. Unless `accordProsemirror` was given an `origin`, the instance
 * itself is the origin of the Accord transactions it makes.
 */
export class AccordSync {
  readonly conf: BindingConfig;
  /** The conversion for the editor's schema. */
  readonly mapping: BlockMapping;
  /** Origin of the Accord transactions made from this editor's changes. */
  readonly origin: object;
  /** The undo manager the keys and commands use. */
  readonly undoManager: UndoManager;
  readonly #ownsUndo: boolean;
  readonly #view: EditorView;
  readonly #unobserve: () => void;
  /** The editor's document as it was when last in step with Accord. */
  #synced: Node;
  #resyncScheduled = false;
  #cursorTimer: TimerHandle | undefined;
  #lastCursorAt = Number.NEGATIVE_INFINITY;
  #engaged = false;
  #destroyed = false;
  #lastSelection: Selection | undefined;
  #lastDoc: Node | undefined;
  /** The selection as cursor anchors on the blocks' text (null when the two sides disagree). */
  #anchors: { readonly anchor: Anchor; readonly head: Anchor } | null = null;
  /** The cursor last published (as JSON). */
  #published: string | undefined;
  /** Local Accord transactions sent and remote ProseMirror transactions dispatched. */
  readonly counts = { local: 0, remote: 0, resyncs: 0 };

  constructor(view: EditorView, conf: BindingConfig) {
    this.conf = conf;
    this.mapping = conf.mappingFor(view.state.schema);
    this.origin = conf.origin ?? this;
    this.#view = view;
    this.#ownsUndo = conf.undoManager === undefined;
    this.undoManager =
      conf.undoManager ??
      new UndoManager(conf.doc, {
        scope: conf.blocks.text,
        trackedOrigins: [this.origin],
      });
    this.#unobserve = conf.blocks.observe(this.#onAccord);
    this.#synced = view.state.doc;
    this.#lastSelection = view.state.selection;
    this.#lastDoc = view.state.doc;
    bindings.set(view, this);
    if (!view.state.doc.eq(this.#accordDoc())) this.#scheduleResync();
  }

  /** The document Accord's blocks show as (an empty paragraph when there are none). */
  #accordDoc(): Node {
    return this.mapping.toDoc(this.conf.blocks.toJSON());
  }

  /** Called by the plugin view after every state update. */
  update(view: EditorView): void {
    if (this.#destroyed) return;
    const doc = view.state.doc;
    const local = doc !== this.#synced;
    const moved = this.#lastSelection !== undefined && !view.state.selection.eq(this.#lastSelection);
    // The caret moved on its own (click, arrow keys): the next edit starts a new undo step.
    if (moved && doc === this.#lastDoc) this.undoManager.stopCapturing();
    this.#lastDoc = doc;
    const hint = this.conf.tracker.take(doc);
    if (local) this.#sendLocal(this.#synced, doc, hint);
    if (local || moved || this.#anchors === null) this.#anchorSelection();
    if (view.hasFocus()) this.#engaged = true;
    // Publish when this user edited or moved the caret, or a remote edit moved it (its flat
    // position is what the others draw).
    if (this.#engaged && (local || moved)) {
      this.#scheduleCursor();
    }
    this.#lastSelection = view.state.selection;
  }

  #sendLocal(before: Node, after: Node, hint: { from: number; to: number } | undefined): void {
    const { blocks } = this.conf;
    const mapping = this.mapping;
    this.#synced = after;
    let delta: FlatDeltaOp[];
    /** Blocks whose hidden formatting the change may bring to light (see hidden-marks.ts). */
    let reveal: { from: number; newTo: number } | undefined;
    if (blocks.blockCount === 0) {
      // Accord has no block yet (a new document). The editor showing what no blocks show as (a
      // transaction that set the same empty content again, as `setContent` does) writes nothing:
      // every tab opening a new document would add its own first paragraph. Anything else
      // becomes real.
      if (after.eq(mapping.toDoc([]))) return;
      delta = [];
      for (const block of mapping.toBlocks(after)) {
        delta.push({ insert: { block: { type: block.type, attrs: block.attrs } } });
        for (const run of block.content) delta.push(run);
      }
    } else {
      // One comparison of the two documents serves both readings of the change.
      const range = changedBlocks(mapping, before, after);
      if (range === undefined) return;
      const moves = blockMoves(mapping, before, after, range);
      if (moves !== undefined) {
        this.#write(() => {
          for (const [from, to] of moves) blocks.move(from, to);
        }, after);
        return;
      }
      delta = localDelta(mapping, before, after, hint, range);
      // Formatting Accord kept out of sight (in a code block) must not show up on the others'
      // screens when this change takes the text where marks show.
      if (mayMoveTextBetweenNodes(delta)) reveal = range;
    }
    if (delta.length === 0) return;
    this.#write(() => {
      blocks.applyFlatDelta(delta);
      if (reveal === undefined) return;
      const fixes = revealedMarkFixes(mapping, mapping.layout(after), blocks, reveal.from, reveal.newTo);
      if (fixes.length > 0) blocks.applyFlatDelta(fixes);
    }, after);
  }

  /** Make `change` one Accord transaction of this binding; resync if Accord refused or differs. */
  #write(change: () => void, after: Node): void {
    const { blocks, doc } = this.conf;
    try {
      doc.transact(change, this.origin);
      this.counts.local++;
    } catch (error) {
      // The document refused the edit (a frozen, read-only document): show it as it is again.
      console.error('accordProsemirror: an edit was refused', error);
      this.#scheduleResync();
      return;
    }
    if (blocks.length !== this.mapping.layout(after).flatLength) this.#scheduleResync();
  }

  readonly #onAccord = (event: BlocksChangeEvent): void => {
    if (this.#destroyed || event.origin === this.origin) return;
    const view = this.#view;
    const { blocks } = this.conf;
    const mapping = this.mapping;
    if (view.state.doc !== this.#synced) {
      this.#scheduleResync();
      return;
    }
    const before = view.state;
    const tr = before.tr;
    const fromUndo = event.origin instanceof UndoManager;
    // The blocks' flat length before this change; the editor showed them if it had that length
    // (no blocks show as one empty paragraph).
    const lengthBefore = blocks.length - deltaGrowth(event.blocksDelta);
    const inStep =
      lengthBefore === 0
        ? before.doc.eq(mapping.toDoc([]))
        : mapping.layout(before.doc).flatLength === lengthBefore;
    if (!inStep) {
      this.#resyncNow();
      return;
    }
    if (lengthBefore === 0 || blocks.blockCount === 0) {
      // A new document's first blocks, or a change that left no block (all text deleted here
      // while another replica removed the last boundary): no flat delta can say that to an editor
      // showing an empty paragraph for no blocks. It is shown whole: a translation, not a recovery.
      this.#dispatchRemote(this.#replaceWith(tr, this.#accordDoc()));
      return;
    }
    if (!applyRemoteDelta(mapping, tr, event.blocksDelta, blocks)) {
      this.#resyncNow();
      return;
    }
    if (mapping.layout(tr.doc).flatLength !== blocks.length) {
      this.#resyncNow();
      return;
    }
    if (fromUndo) {
      const caret = caretAfter(tr);
      if (caret !== undefined) tr.setSelection(TextSelection.near(tr.doc.resolve(caret), -1));
    } else if (before.selection instanceof TextSelection) {
      // Each end where its anchor is now (it stays after its character, whatever the change did
      // around it: a block rebuilt, split or joined); ProseMirror's mapping where it cannot.
      const { anchor, head } = before.selection;
      const a = this.#resolveAnchor(this.#anchors?.anchor, tr.doc) ?? tr.mapping.map(anchor, -1);
      const h =
        anchor === head && this.#anchors?.head === this.#anchors?.anchor
          ? a
          : (this.#resolveAnchor(this.#anchors?.head, tr.doc) ?? tr.mapping.map(head, -1));
      const $a = tr.doc.resolve(a);
      const $h = tr.doc.resolve(h);
      // Where both ends land in text, keep them there; otherwise ProseMirror's mapping stands.
      if ($a.parent.inlineContent && $h.parent.inlineContent) tr.setSelection(new TextSelection($a, $h));
    }
    // Marks set for the next typed text (Mod-b with no selection) survive a remote change.
    if (!fromUndo && before.storedMarks) tr.setStoredMarks(before.storedMarks);
    this.#dispatchRemote(tr);
    if (fromUndo) this.#scheduleCursor();
  };

  #dispatchRemote(tr: Transaction): void {
    tr.setMeta(accordSyncKey, 'remote').setMeta('addToHistory', false);
    this.#synced = tr.doc;
    this.counts.remote++;
    this.#view.dispatch(tr);
  }

  #scheduleResync(): void {
    if (this.#resyncScheduled) return;
    this.#resyncScheduled = true;
    queueMicrotask(() => {
      this.#resyncScheduled = false;
      if (!this.#destroyed) this.#resyncNow();
    });
  }

  /** Replace the editor's content with the Accord blocks (recovery when the two disagree). */
  #resyncNow(): void {
    const view = this.#view;
    this.counts.resyncs++;
    this.#dispatchRemote(this.#replaceWith(view.state.tr, this.#accordDoc()));
  }

  /** `tr` turned into `next`, replacing only the part that differs so the selection elsewhere stays. */
  #replaceWith(tr: Transaction, next: Node): Transaction {
    replaceNarrowly(tr, tr.doc.type, tr.doc.content, next.content, 0);
    if (!tr.doc.eq(next)) tr.replaceWith(0, tr.doc.content.size, next.content);
    return tr;
  }

  destroy(): void {
    this.#destroyed = true;
    this.#unobserve();
    this.#cursorTimer?.cancel();
    this.#cursorTimer = undefined;
    bindings.delete(this.#view);
    if (this.#ownsUndo) this.undoManager.destroy();
    const { presence, publishCursor } = this.conf;
    if (presence && publishCursor && this.#engaged) {
      try {
        presence.updatePresence({ cursor: null });
      } catch {
        // The provider went first: nobody is left to tell.
      }
    }
  }

  /** Anchor the selection's ends to the characters before them (while both sides agree). */
  #anchorSelection(): void {
    const { blocks } = this.conf;
    const { state } = this.#view;
    const layout = this.mapping.layout(state.doc);
    if (blocks.blockCount === 0 || blocks.length !== layout.flatLength) {
      this.#anchors = null;
      return;
    }
    const at = (pos: number): Anchor =>
      createAnchor(blocks.text, blocks.textIndexOf(Math.max(1, posToFlat(layout, pos))), 'after');
    const { anchor, head } = state.selection;
    const a = at(anchor);
    this.#anchors = { anchor: a, head: anchor === head ? a : at(head) };
  }

  /** Where `anchor` is now in `doc` (which shows the blocks as they are), if it resolves. */
  #resolveAnchor(anchor: Anchor | undefined, doc: Node): number | undefined {
    if (anchor === undefined) return undefined;
    const index = resolveAnchor(this.conf.blocks.text, anchor);
    return index === null
      ? undefined
      : flatToPos(this.mapping.layout(doc), this.conf.blocks.flatIndexOf(index));
  }

  /** The presence value of a selection: cursor anchors on the blocks' text, and flat indices. */
  #cursorAt(layout: Layout, anchor: number, head: number): CursorValue {
    const flatAnchor = posToFlat(layout, anchor);
    const flatHead = posToFlat(layout, head);
    const { blocks } = this.conf;
    if (blocks.length !== layout.flatLength || blocks.blockCount === 0) return { flatAnchor, flatHead };
    // Attached to the character before each end: text typed right there by others lands after it.
    const encode = (flat: number): Uint8Array =>
      encodeAnchor(createAnchor(blocks.text, blocks.textIndexOf(Math.max(1, flat)), 'after'));
    const textAnchor = encode(flatAnchor);
    return {
      flatAnchor,
      flatHead,
      textAnchor,
      textHead: flatHead === flatAnchor ? textAnchor : encode(flatHead),
    };
  }

  #scheduleCursor(): void {
    const { presence, publishCursor, cursorThrottleMs, scheduler } = this.conf;
    if (!presence || !publishCursor || this.#cursorTimer !== undefined) return;
    const wait = Math.max(0, this.#lastCursorAt + cursorThrottleMs - scheduler.now());
    this.#cursorTimer = scheduler.setTimer(wait, () => {
      this.#cursorTimer = undefined;
      if (this.#destroyed) return;
      this.#lastCursorAt = scheduler.now();
      const { anchor, head } = this.#view.state.selection;
      const layout = this.mapping.layout(this.#view.state.doc);
      const cursor = this.#cursorAt(layout, anchor, head);
      // A remote edit elsewhere moves the caret in the document, not always on its text.
      const key = `${cursor.flatAnchor}:${cursor.flatHead}:${cursor.textAnchor?.join(',')}:${cursor.textHead?.join(',')}`;
      if (key === this.#published) return;
      this.#published = key;
      presence.updatePresence({ cursor: { ...cursor } });
    });
  }
}

/** How many flat units a delta adds (negative: removes). */
function deltaGrowth(delta: readonly FlatDeltaOp[]): number {
  let n = 0;
  for (const op of delta) {
    if ('delete' in op) n -= op.delete;
    else if ('insert' in op) n += typeof op.insert === 'string' ? op.insert.length : 1;
  }
  return n;
}

/** The end of the last change of `tr`, in its final document. */
function caretAfter(tr: Transaction): number | undefined {
  let caret: number | undefined;
  tr.mapping.maps.forEach((map, i) => {
    map.forEach((_oldStart, _oldEnd, _newStart, newEnd) => {
      caret = tr.mapping.slice(i + 1).map(newEnd, -1);
    });
  });
  return caret;
}
