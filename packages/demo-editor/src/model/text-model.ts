/**
 * What the editor needs from a shared text, independent of how the session wires it to the
 * document: read it, splice it, hear about changes as deltas, undo, and anchor positions to
 * characters so carets survive concurrent edits.
 */
import type { Text, UndoManager } from '@accord/core';
import type { Delta } from '../text/delta.js';

/** Who caused a text change: this editor's typing, its undo/redo, or another replica. */
export type ChangeSource = 'local' | 'undo' | 'remote';

/** A position attached to a character, portable to other replicas (sent in presence). */
export type AnchorValue = number | Uint8Array;

/** What an editor binding (`@accord/codemirror`) needs: the text and whose edits undo reverts. */
export interface SharedTextBinding {
  /** The shared text. */
  readonly text: Text;
  /** The undo manager behind `undo()`/`redo()` (tracks `origin`). */
  readonly undoManager: UndoManager;
  /** Origin of this editor's own transactions. */
  readonly origin: object;
}

/** A shared plain text bound to one document. */
export interface TextModel {
  /** The text, undo manager and origin for binding an editor to it. */
  binding(): SharedTextBinding;
  /** The current text. */
  value(): string;
  /** Replace `deleteCount` code units at `index` with `insert`, as one local transaction. */
  splice(index: number, deleteCount: number, insert: string): void;
  /**
   * Call `listener` after every transaction that changed the text, with its changes as deltas to
   * apply one after the other (each against the text the previous one produced) and its source;
   * returns the unsubscribe function. Local splices are reported too, with source `'local'`.
   */
  subscribe(listener: (deltas: readonly Delta[], source: ChangeSource) => void): () => void;
  /** Undo this replica's last change group; false when there is nothing to undo. */
  undo(): boolean;
  /** Redo the last undone group; false when there is nothing to redo. */
  redo(): boolean;
  /** Close the current undo group, so the next edit starts a new one. */
  stopCapturing(): void;
  /** Whether undo and redo have anything to do (for buttons). */
  history(): { readonly canUndo: boolean; readonly canRedo: boolean };
  /** Notifies whenever `history()` may have changed (a stable object, for subscriptions). */
  readonly historyChanges: { subscribe(listener: () => void): () => void };
  /** An anchor for `index` that other replicas can resolve (`assoc` as in `mapPosition`). */
  anchor(index: number, assoc: 'left' | 'right'): AnchorValue;
  /** Where an anchor (from any replica) is now, or `undefined` if it cannot be resolved. */
  resolve(anchor: AnchorValue): number | undefined;
}
