/**
 * Page-to-page sync for the browser-test pages: one Accord document's updates and the editor's
 * presence over a `BroadcastChannel` named after `?room=` (a real asynchronous channel, so typing
 * in several pages at once is concurrent), which {@link ChannelSync.setOnline} can cut.
 */
import { applyUpdate, type Doc, encodeStateAsUpdate } from '@accord/core';
import type { PeerPresence, PresenceSource } from '../../../src/index.js';

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

/** The page's user from `?room=&name=&color=`. */
export function pageUser(): PageUser {
  const params = new URL(location.href).searchParams;
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

  constructor(
    user: PageUser,
    private readonly announceState: (state: PeerPresence) => void,
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

  updatePresence(fields: { readonly cursor: PeerPresence['cursor'] }): void {
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
  /** Say hello (the others answer with their state) and announce presence; call once the editor exists. */
  start(): void;
  /** Cut or restore the channel; what was sent meanwhile goes out on restore. */
  setOnline(value: boolean): void;
}

/** Sync `doc` and presence with the other pages of `user.room`. */
export function channelSync(doc: Doc, user: PageUser, channelPrefix: string): ChannelSync {
  const id = Math.floor(Math.random() * 2 ** 31);
  const channel = new BroadcastChannel(`${channelPrefix}-${user.room}`);
  let online = true;
  let held: Message[] = [];
  const send = (message: Message): void => {
    if (online) channel.postMessage(message);
    else held.push(message);
  };
  const presence = new ChannelPresence(user, (state) => send({ type: 'presence', from: id, state }));
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
  return {
    presence,
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
  };
}
