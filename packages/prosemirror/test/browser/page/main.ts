/**
 * The browser-test page: one Accord document whose blocks are bound to one ProseMirror editor
 * (basic schema with lists) through `accordProsemirror`. Pages of one browser context on the same
 * `?room=` sync their documents and presence over a `BroadcastChannel` (a real asynchronous
 * channel, so typing in several pages at once is concurrent), which `window.pmHarness.setOnline`
 * can cut. `window.pmHarness` lets the test read the editor's document, the Accord blocks and the
 * selection, and run formatting commands.
 */
import { applyUpdate, Doc, encodeStateAsUpdate } from '@accord/core';
import { baseKeymap, setBlockType, toggleMark } from 'prosemirror-commands';
import { keymap } from 'prosemirror-keymap';
import { liftListItem, sinkListItem, splitListItem, wrapInList } from 'prosemirror-schema-list';
import { type Command, EditorState, TextSelection } from 'prosemirror-state';
import { EditorView } from 'prosemirror-view';
import {
  accordProsemirror,
  accordSync,
  blocksToDoc,
  type PeerPresence,
  type PresenceSource,
  remoteCaretsCss,
  accordSchema as schema,
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

const doc = new Doc();
const blocks = doc.getBlocks('content');
const channel = new BroadcastChannel(`accord-pm-test-${room}`);
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

  updatePresence(fields: { readonly cursor: PeerPresence['cursor'] }): void {
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
doc.on('update', (bytes, origin) => {
  if (origin === 'remote') return;
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

const nodes = schema.nodes;
const marks = schema.marks;
const commands: Record<string, Command> = {
  bold: toggleMark(marks.strong),
  italic: toggleMark(marks.em),
  code: toggleMark(marks.code),
  link: toggleMark(marks.link, { href: 'https://accord.example/' }),
  heading: setBlockType(nodes.heading, { level: 2 }),
  paragraph: setBlockType(nodes.paragraph),
  bulletList: wrapInList(nodes.bullet_list),
  orderedList: wrapInList(nodes.ordered_list),
};

const style = document.createElement('style');
style.textContent = remoteCaretsCss;
document.head.append(style);

const view = new EditorView(document.getElementById('editor') as HTMLElement, {
  state: EditorState.create({
    doc: blocksToDoc(blocks, schema),
    plugins: [
      ...accordProsemirror(blocks, { presence }),
      keymap({
        'Mod-b': commands.bold as Command,
        'Mod-i': commands.italic as Command,
        'Mod-k': commands.link as Command,
        Enter: splitListItem(nodes.list_item),
        Tab: sinkListItem(nodes.list_item),
        'Shift-Tab': liftListItem(nodes.list_item),
      }),
      keymap(baseKeymap),
    ],
  }),
  attributes: { 'data-testid': 'editor', 'aria-label': 'Shared rich text' },
});
send({ type: 'hello', from: id });
presence.announce();

/** What the tests call. */
const harness = {
  /** The editor's document as JSON. */
  editorJSON: (): unknown => view.state.doc.toJSON(),
  /** The document the Accord blocks show as, as JSON. */
  accordJSON: (): unknown => blocksToDoc(blocks, schema).toJSON(),
  /** The Accord blocks. */
  blocksJSON: (): unknown => blocks.toJSON(),
  /** The editor's text (blocks separated by newlines). */
  text: (): string => view.state.doc.textBetween(0, view.state.doc.content.size, '\n'),
  /** The selection. */
  selection: (): { anchor: number; head: number } => {
    const { anchor, head } = view.state.selection;
    return { anchor, head };
  },
  /** Focus the editor and select `anchor`..`head` (a caret when equal). */
  select: (anchor: number, head = anchor): void => {
    view.focus();
    view.dispatch(view.state.tr.setSelection(TextSelection.create(view.state.doc, anchor, head)));
  },
  /** Position of the first occurrence of `text` within one textblock (or -1). */
  find: (text: string): number => {
    let found = -1;
    view.state.doc.descendants((node, pos) => {
      if (found >= 0) return false;
      if (!node.isTextblock) return true;
      let content = '';
      node.forEach((child) => {
        content += child.isText ? (child.text ?? '') : '\ufffc';
      });
      const i = content.indexOf(text);
      if (i >= 0) found = pos + 1 + i;
      return false;
    });
    return found;
  },
  /**
   * Focus the editor and select the first occurrence of `text` (`'all'`), or put the caret at its
   * start or end: found and selected at once, so no remote change lands in between.
   */
  selectText: (text: string, where: 'all' | 'start' | 'end'): void => {
    const from = harness.find(text);
    if (from < 0) throw new Error(`no ${JSON.stringify(text)} in the document`);
    const to = from + text.length;
    if (where === 'all') harness.select(from, to);
    else harness.select(where === 'start' ? from : to);
  },
  /** End of the document's last textblock. */
  end: (): number => TextSelection.atEnd(view.state.doc).head,
  /** Run a named command on the current selection. */
  command: (command: string): boolean => {
    view.focus();
    return (commands[command] as Command)(view.state, view.dispatch, view);
  },
  /** Paste `html` as the browser would (a paste event with the clipboard data). */
  paste: (html: string, plain: string): void => {
    view.focus();
    const data = new DataTransfer();
    data.setData('text/html', html);
    data.setData('text/plain', plain);
    view.dom.dispatchEvent(
      new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
    );
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
  /** How many remote carets this editor draws, and their names. */
  carets: (): string[] =>
    Array.from(view.dom.querySelectorAll<HTMLElement>('.accord-caret'), (el) => el.dataset.name ?? ''),
  /** Where each remote caret is drawn: its name and document position. */
  caretPositions: (): { name: string; pos: number }[] =>
    Array.from(view.dom.querySelectorAll<HTMLElement>('.accord-caret'), (el) => ({
      name: el.dataset.name ?? '',
      pos: view.posAtDOM(el, 0),
    })),
  /** The other peers' presence as this page knows it. */
  peers: (): unknown => [...presence.peers.values()],
  /** The binding's counters (local Accord transactions, remote ProseMirror ones, full resyncs). */
  counts: () => ({ ...(accordSync(view)?.counts ?? { local: 0, remote: 0, resyncs: 0 }) }),
};

declare global {
  interface Window {
    pmHarness: typeof harness;
  }
}
window.pmHarness = harness;
document.body.dataset.ready = 'true';
