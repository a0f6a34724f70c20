/**
 * Undo and redo through Accord's `UndoManager`: only this replica's own edits are reverted, never
 * another user's, and the result syncs like any edit. Do not add `prosemirror-history`.
 */
import type { Command } from 'prosemirror-state';
import type { EditorView } from 'prosemirror-view';
import { type AccordSync, bindings } from './sync.js';

/** The binding of a view, if it has one. */
export function accordSync(view: EditorView): AccordSync | undefined {
  return bindings.get(view);
}

/**
 * Undo this editor's last step of its own changes. True when the view has the binding (even with
 * nothing to undo, so the browser's native undo never runs on the shared text).
 */
export const accordUndo: Command = (_state, dispatch, view) => {
  const sync = view ? bindings.get(view) : undefined;
  if (!sync) return false;
  if (dispatch) sync.undoManager.undo();
  return true;
};

/** Redo the last undone step (see {@link accordUndo}). */
export const accordRedo: Command = (_state, dispatch, view) => {
  const sync = view ? bindings.get(view) : undefined;
  if (!sync) return false;
  if (dispatch) sync.undoManager.redo();
  return true;
};

/** Key bindings for `prosemirror-keymap`: Mod-z undoes, Mod-Shift-z and Mod-y redo. */
export const accordUndoKeys: Readonly<Record<string, Command>> = {
  'Mod-z': accordUndo,
  'Mod-Shift-z': accordRedo,
  'Mod-y': accordRedo,
};
