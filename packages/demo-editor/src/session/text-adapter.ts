/**
 * The editor's view of an Accord `Text`: splices as local transactions, change events turned
 * into deltas, undo/redo through the core `UndoManager` (this replica's own text edits only,
 * grouped by time), and cursor anchors (`createAnchor`, encoded for presence) so remote carets
 * stay on their characters.
 */
import {
  createAnchor,
  type Doc,
  decodeAnchor,
  encodeAnchor,
  resolveAnchor,
  type Text,
  UndoManager,
} from '@accord/core';
import type { AnchorValue, ChangeSource, SharedTextBinding, TextModel } from '../model/text-model.js';
import { type Delta, spliceDelta } from '../text/delta.js';

/** A `TextModel` over one `Text` of a `Doc`. */
export class DocTextModel implements TextModel {
  readonly #doc: Doc;
  readonly #text: Text;
  /** Origin of this editor's own transactions (the only ones its undo manager tracks). */
  readonly #origin = { source: 'accord-demo-editor' };
  readonly #undo: UndoManager;

  constructor(doc: Doc, text: Text) {
    this.#doc = doc;
    this.#text = text;
    this.#undo = new UndoManager(doc, { scope: text, trackedOrigins: [this.#origin] });
  }

  binding(): SharedTextBinding {
    return { text: this.#text, undoManager: this.#undo, origin: this.#origin };
  }

  value(): string {
    return this.#text.toString();
  }

  splice(index: number, deleteCount: number, insert: string): void {
    this.#doc.transact(() => {
      if (deleteCount > 0) this.#text.delete(index, deleteCount);
      if (insert.length > 0) this.#text.insert(index, insert);
    }, this.#origin);
  }

  subscribe(listener: (deltas: readonly Delta[], source: ChangeSource) => void): () => void {
    return this.#text.observe((event) => {
      const deltas = event.changes.map((change) =>
        spliceDelta(change.index, change.delete ?? 0, typeof change.insert === 'string' ? change.insert : ''),
      );
      const source: ChangeSource = !event.local ? 'remote' : event.origin === this.#undo ? 'undo' : 'local';
      listener(deltas, source);
    });
  }

  undo(): boolean {
    return this.#undo.undo();
  }

  redo(): boolean {
    return this.#undo.redo();
  }

  stopCapturing(): void {
    this.#undo.stopCapturing();
  }

  history(): { readonly canUndo: boolean; readonly canRedo: boolean } {
    return { canUndo: this.#undo.canUndo(), canRedo: this.#undo.canRedo() };
  }

  readonly historyChanges = {
    subscribe: (listener: () => void): (() => void) => this.#undo.on('stack-change', () => listener()),
  };

  anchor(index: number, assoc: 'left' | 'right'): AnchorValue {
    const at = Math.min(Math.max(0, index), this.#text.length);
    // 'left' sticks to the character before the position: the core's 'after' side.
    return encodeAnchor(createAnchor(this.#text, at, assoc === 'left' ? 'after' : 'before'));
  }

  resolve(anchor: AnchorValue): number | undefined {
    if (typeof anchor === 'number') return Math.min(Math.max(0, anchor), this.#text.length);
    try {
      return resolveAnchor(this.#text, decodeAnchor(anchor)) ?? undefined;
    } catch {
      // A malformed anchor from a peer, or one for another container: draw no caret.
      return undefined;
    }
  }

  /** Stop tracking undo history. */
  destroy(): void {
    this.#undo.destroy();
  }
}
