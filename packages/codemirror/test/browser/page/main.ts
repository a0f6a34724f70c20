/**
 * The browser-test page: one Accord document bound to one CodeMirror editor through
 * `accordCollab`. Pages of one browser context on the same `?room=` sync their documents and
 * presence over a `BroadcastChannel` (`channelSync` of `@accord/test-browser/page`: a real
 * asynchronous channel, so typing in two pages at once is concurrent), which
 * `window.harness.setOnline(false)` can cut. `window.harness` lets the test
 * read the editor, the Accord text and the selection. With `?clock=manual` the binding runs on a
 * `ManualScheduler` that the test advances (`window.harness.advanceClock`).
 */
import { Doc } from '@accord/core';
import { ManualScheduler } from '@accord/core/testing';
import { channelSync, pageUser } from '@accord/test-browser/page';
import { EditorSelection, EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { accordCollab, accordRemote, resolveCursor } from '../../../src/index.js';

const params = new URL(location.href).searchParams;
/** The binding's clock in virtual time, or `undefined` for real time (the default). */
const clock = params.get('clock') === 'manual' ? new ManualScheduler() : undefined;

const doc = new Doc();
const text = doc.getText('text');
const sync = channelSync(doc, pageUser(location.href), 'accord-cm-test', {
  now: () => clock?.now() ?? performance.now(),
});
const presence = sync.presence;
/** Remote CodeMirror transactions this page saw, and the changed ranges in them. */
const counts = { remoteTransactions: 0, remoteChanges: 0 };

const view = new EditorView({
  parent: document.getElementById('editor') as HTMLElement,
  state: EditorState.create({
    doc: text.toString(),
    extensions: [
      accordCollab(text, { presence, ...(clock ? { scheduler: clock } : {}) }),
      EditorView.contentAttributes.of({ 'data-testid': 'editor', 'aria-label': 'Shared text' }),
      EditorView.lineWrapping,
      EditorView.updateListener.of((update) => {
        for (const tr of update.transactions) {
          if (!tr.annotation(accordRemote)) continue;
          counts.remoteTransactions++;
          tr.changes.iterChangedRanges(() => counts.remoteChanges++);
        }
      }),
    ],
  }),
});
sync.start();

/** What the tests call. */
const harness = {
  /** The editor's document. */
  editorText: (): string => view.state.doc.toString(),
  /** The Accord text. */
  accordText: (): string => text.toString(),
  /** The main selection. */
  selection: (): { anchor: number; head: number } => {
    const { anchor, head } = view.state.selection.main;
    return { anchor, head };
  },
  /** Focus the editor and select `anchor`..`head` (a caret when equal). */
  select: (anchor: number, head = anchor): void => {
    view.focus();
    view.dispatch({ selection: EditorSelection.single(anchor, head), userEvent: 'select' });
  },
  /** Cut or restore the channel; what was sent meanwhile goes out on restore. */
  setOnline: (value: boolean): void => sync.setOnline(value),
  /** Edit the Accord text directly (as another part of the app would). */
  accordInsert: (index: number, value: string): void => text.insert(index, value),
  /** Send any presence state as this page's (to test what others make of hostile values). */
  sendRawPresence: (state: unknown): void => sync.sendRawPresence(state),
  /** Local updates sent, and remote CodeMirror transactions and changes seen, so far. */
  counts: () => ({ sent: sync.sent, ...counts }),
  /** Apply several changes as one CodeMirror transaction (like a multi-cursor edit). */
  dispatchChanges: (changes: readonly { from: number; to?: number; insert: string }[]): void =>
    view.dispatch({ changes: [...changes], userEvent: 'input' }),
  /** Freeze this page's document (read-only from now on). */
  freeze: (): void => doc.freeze(),
  /** How many remote carets this editor draws. */
  caretCount: (): number => view.dom.querySelectorAll('.cm-accord-caret').length,
  /** With `?clock=manual`: advance the binding's virtual time by `ms`; returns the time now. */
  advanceClock: (ms: number): number => {
    if (!clock) throw new Error('the page runs on real time (open it with ?clock=manual)');
    clock.advance(ms);
    return clock.now();
  },
  /** Cursor publications so far: the binding's time of each, and the head it carried as an index. */
  published: (): { at: number; head: number | null }[] =>
    sync.published.map(({ at, cursor }) => ({ at, head: resolveCursor(text, cursor)?.head ?? null })),
};

declare global {
  interface Window {
    harness: typeof harness;
  }
}
window.harness = harness;
document.body.dataset.ready = 'true';
