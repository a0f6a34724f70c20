/**
 * The browser-test page: one Accord document bound to one CodeMirror editor through
 * `accordCollab`. Pages of one browser context on the same `?room=` sync their documents and
 * presence over a `BroadcastChannel` (a real asynchronous channel, so typing in two pages at once
 * is concurrent), which `window.harness.setOnline(false)` can cut. `window.harness` lets the test
 * read the editor, the Accord text and the selection. With `?clock=manual` the binding runs on a
 * `ManualScheduler` that the test advances (`window.harness.advanceClock`).
 */
import { applyUpdate, Doc, encodeStateAsUpdate } from '@accord/core';
import type { PresenceValue } from '@accord/core/protocol';
import { ManualScheduler } from '@accord/core/testing';
import { EditorSelection, EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import {
  accordCollab,
  accordRemote,
  type PeerPresence,
  type PresenceSource,
  resolveCursor,
} from '../../../src/index.js';

type Message =
  | { type: 'hello'; from: number }
  | { type: 'update'; from: number; bytes: Uint8Array }
  | { type: 'presence'; from: number; state: PeerPresence | null };

const params = new URL(location.href).searchParams;
const room = params.get('room') ?? 'room';
const name = params.get('name') ?? 'anon';
const color = params.get('color') ?? '#2f7ae5';
const id = Math.floor(Math.random() * 2 ** 31);
/** The binding's clock in virtual time, or `undefined` for real time (the default). */
const clock = params.get('clock') === 'manual' ? new ManualScheduler() : undefined;

const doc = new Doc();
const text = doc.getText('text');
const channel = new BroadcastChannel(`accord-cm-test-${room}`);
let online = true;
let held: Message[] = [];

function send(message: Message): void {
  if (online) channel.postMessage(message);
  else held.push(message);
}

/** Presence over the channel, shaped like `WebsocketProvider`'s. */
class ChannelPresence implements PresenceSource {
  readonly #peers = new Map<number, PeerPresence>();
  readonly #listeners = new Set<(peers: ReadonlyMap<number, PeerPresence>) => void>();
  #local: PeerPresence = { name, color, cursor: null };

  get peers(): ReadonlyMap<number, PeerPresence> {
    return new Map(this.#peers);
  }

  on(_event: 'presence', listener: (peers: ReadonlyMap<number, PeerPresence>) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Cursor publications so far, each with the binding's time. */
  readonly published: { at: number; cursor: PresenceValue }[] = [];

  updatePresence(fields: { readonly cursor: PresenceValue }): void {
    this.published.push({ at: clock?.now() ?? performance.now(), cursor: fields.cursor });
    this.#local = { ...this.#local, ...fields };
    this.announce();
  }

  announce(): void {
    send({ type: 'presence', from: id, state: this.#local });
  }

  receive(from: number, state: PeerPresence | null): void {
    if (state) this.#peers.set(from, state);
    else this.#peers.delete(from);
    for (const listener of this.#listeners) listener(this.peers);
  }
}

const presence = new ChannelPresence();
/** How many local Accord transactions this page sent, and remote CodeMirror transactions it saw. */
const counts = { sent: 0, remoteTransactions: 0, remoteChanges: 0 };
doc.on('update', (bytes, origin) => {
  if (origin === 'remote') return;
  counts.sent++;
  send({ type: 'update', from: id, bytes });
});
channel.onmessage = (event: MessageEvent<Message>) => {
  const message = event.data;
  if (message.from === id) return;
  if (message.type === 'update') applyUpdate(doc, message.bytes, 'remote');
  else if (message.type === 'presence') presence.receive(message.from, message.state);
  else {
    send({ type: 'update', from: id, bytes: encodeStateAsUpdate(doc) });
    presence.announce();
  }
};

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
send({ type: 'hello', from: id });
presence.announce();

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
  setOnline: (value: boolean): void => {
    online = value;
    if (value) {
      const queued = held;
      held = [];
      for (const message of queued) channel.postMessage(message);
    }
  },
  /** Edit the Accord text directly (as another part of the app would). */
  accordInsert: (index: number, value: string): void => text.insert(index, value),
  /** Send any presence state as this page's (to test what others make of hostile values). */
  sendRawPresence: (state: unknown): void => channel.postMessage({ type: 'presence', from: id, state }),
  /** Transactions counted so far (see `counts`). */
  counts: (): typeof counts => ({ ...counts }),
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
    presence.published.map(({ at, cursor }) => ({ at, head: resolveCursor(text, cursor)?.head ?? null })),
};

declare global {
  interface Window {
    harness: typeof harness;
  }
}
window.harness = harness;
document.body.dataset.ready = 'true';
