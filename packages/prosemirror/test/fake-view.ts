/**
 * A stand-in for `EditorView` in Node: a state, `dispatch` that applies a transaction (with the
 * plugins' appended transactions) and updates the plugin views, as the real view does. Enough
 * for the sync plugin, which reads the state, dispatches and asks for focus.
 */
import { type EditorState, type Plugin, TextSelection, type Transaction } from 'prosemirror-state';
import type { EditorView } from 'prosemirror-view';

export interface FakeView {
  state: EditorState;
  readonly isDestroyed: boolean;
  dispatch(tr: Transaction): void;
  hasFocus(): boolean;
  /** Select `anchor`..`head`, as a user would. */
  select(anchor: number, head?: number): void;
  destroy(): void;
}

export function fakeView(state: EditorState): FakeView {
  const views: { update?: (view: EditorView, prev: EditorState) => void; destroy?: () => void }[] = [];
  let destroyed = false;
  const view: FakeView = {
    state,
    get isDestroyed() {
      return destroyed;
    },
    dispatch(tr) {
      const prev = view.state;
      view.state = view.state.apply(tr);
      for (const v of views) v.update?.(view as unknown as EditorView, prev);
    },
    hasFocus: () => true,
    select(anchor, head = anchor) {
      view.dispatch(view.state.tr.setSelection(TextSelection.create(view.state.doc, anchor, head)));
    },
    destroy() {
      destroyed = true;
      for (const v of views) v.destroy?.();
    },
  };
  for (const plugin of state.plugins as Plugin[]) {
    const make = plugin.spec.view;
    if (make) views.push(make(view as unknown as EditorView));
  }
  return view;
}
