/**
 * Page-to-page sync for the editor bindings' browser-test pages (browser code, bundled into the
 * pages; `@accord/test-browser/page`): one Accord document's updates and the editor's presence
 * over a `BroadcastChannel` named after `?room=` (a real asynchronous channel, so typing in
 * several pages at once is concurrent), which {@link ChannelSync.setOnline} can cut.
 */
import { applyUpdate, type Doc, encodeStateAsUpdate } from '@accord/core';
import type { PeerPresence, PresenceSource, PresenceValue } from '@accord/core/protocol';

type Message =
  | { type: 'hello'; from: number }
  | { type: 'update'; from: number; bytes: Uint8Array }
  | { type: 'presence'; from: number; state: PeerPresence | null };

/** Who this page is, from its query string. */
export interface PageUser {
  readonly room: string;
  readonly name: string;
  readonly color: string;
}

/** The page's user from `?room=&name=&color=` of `href` (the page's `location.href`). */
export function pageUser(href: string): PageUser {
  const params = new URL(href).searchParams;
  return {
    room: params.get('room') ?? 'room',
    name: params.get('name') ?? 'anon',
    color: params.get('color') ?? '#2f7ae5',
  };
}

/** Presence over the channel, shaped like `WebsocketProvider`'s. */
class ChannelPresence implements PresenceSource {
  readonly #peers = new Map<number, PeerPresence>();
  readonly #listeners = new Set<(peers: ReadonlyMap<number, PeerPresence>) => void>();
  #local: PeerPresence;
  /** Cursor publications so far, each with the time `now()` gave. */
  readonly published: { at: number; cursor: PresenceValue }[] = [];

  constructor(
    user: PageUser,
    private readonly announceState: (state: PeerPresence) => void,
    private readonly now: () => number,
  ) {
    this.#local = { name: user.name, color: user.color, cursor: null };
  }

  get peers(): ReadonlyMap<number, PeerPresence> {
    return new Map(this.#peers);
  }

  on(_event: 'presence', listener: (peers: ReadonlyMap<number, PeerPresence>) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  updatePresence(fields: { readonly cursor: PresenceValue }): void {
    this.published.push({ at: this.now(), cursor: fields.cursor });
    this.#local = { ...this.#local, ...fields };
    this.announce();
  }

  announce(): void {
    this.announceState(this.#local);
  }

  receive(from: number, state: PeerPresence | null): void {
    if (state) this.#peers.set(from, state);
    else this.#peers.delete(from);
    for (const listener of this.#listeners) listener(this.peers);
  }
}

/** A page's link to the other pages of its room. */
export interface ChannelSync {
  /** This page's presence, for the binding. */
  readonly presence: PresenceSource;
  /** This page's cursor publications so far, each with its time. */
  readonly published: readonly { readonly at: number; readonly cursor: PresenceValue }[];
  /** How many local updates this page sent. */
  readonly sent: number;
  /** Say hello (the others answer with their state) and announce presence; call once the editor exists. */
  start(): void;
  /** Cut or restore the channel; what was sent meanwhile goes out on restore. */
  setOnline(value: boolean): void;
  /** Send any presence state as this page's (to test what the others make of hostile values). */
  sendRawPresence(state: unknown): void;
}

/** Options of {@link channelSync}. */
export interface ChannelSyncOptions {
  /** The clock cursor publications are timed with (default `performance.now`). */
  readonly now?: () => number;
}

/** Sync `doc` and presence with the other pages of `user.room` (channel `<prefix>-<room>`). */
export function channelSync(
  doc: Doc,
  user: PageUser,
  channelPrefix: string,
  options: ChannelSyncOptions = {},
): ChannelSync {
  const id = Math.floor(Math.random() * 2 ** 31);
  const channel = new BroadcastChannel(`${channelPrefix}-${user.room}`);
  let online = true;
  let held: Message[] = [];
  const send = (message: Message): void => {
    if (online) channel.postMessage(message);
    else held.push(message);
  };
  const presence = new ChannelPresence(
    user,
    (state) => send({ type: 'presence', from: id, state }),
    options.now ?? (() => performance.now()),
  );
  let sent = 0;
  doc.on('update', (bytes, origin) => {
    if (origin === 'remote') return;
    sent++;
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
  return {
    presence,
    published: presence.published,
    get sent() {
      return sent;
    },
    start() {
      send({ type: 'hello', from: id });
      presence.announce();
    },
    setOnline(value) {
      online = value;
      if (value) {
        const queued = held;
        held = [];
        for (const message of queued) channel.postMessage(message);
      }
    },
    sendRawPresence(state) {
      channel.postMessage({ type: 'presence', from: id, state });
    },
  };
}
