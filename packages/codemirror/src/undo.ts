/**
 * Undo and redo through Accord's `UndoManager`: only this replica's own edits are reverted, never
 * another user's, and the result syncs like any edit. Bound to Mod-z, Mod-Shift-z and Mod-y (and
 * the browser's own undo and redo input events), ahead of any other undo keymap.
 */
import { type Extension, Prec } from '@codemirror/state';
import { type Command, EditorView, type KeyBinding, keymap } from '@codemirror/view';
import { syncPlugin } from './sync-plugin.js';

/**
 * Undo this editor's last step of its own changes. True when the view has the binding (even with
 * nothing to undo, so the browser's native undo never runs on the shared text).
 */
export const accordUndo: Command = (view) => {
  const sync = view.plugin(syncPlugin);
  if (!sync) return false;
  sync.undoManager.undo();
  return true;
};

/** Redo the last undone step (see {@link accordUndo}). */
export const accordRedo: Command = (view) => {
  const sync = view.plugin(syncPlugin);
  if (!sync) return false;
  sync.undoManager.redo();
  return true;
};

/** The undo keys: Mod-z undoes, Mod-Shift-z and Mod-y redo. */
export const accordUndoKeymap: readonly KeyBinding[] = [
  { key: 'Mod-z', run: accordUndo, preventDefault: true },
  { key: 'Mod-Shift-z', run: accordRedo, preventDefault: true },
  { key: 'Mod-y', run: accordRedo, preventDefault: true },
];

/** The keymap (at high precedence) plus the browser's undo/redo input events. */
export function accordUndoBindings(): Extension {
  return [
    Prec.high(keymap.of(accordUndoKeymap)),
    EditorView.domEventHandlers({
      beforeinput(event, view) {
        const command =
          event.inputType === 'historyUndo'
            ? accordUndo
            : event.inputType === 'historyRedo'
              ? accordRedo
              : null;
        if (!command) return false;
        event.preventDefault();
        return command(view);
      },
    }),
  ];
}
