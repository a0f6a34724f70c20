/**
 * This tab's presence: its name and colour (remembered per tab), published to the connection at
 * most every 50 ms, and again whenever the host switches to another document's connection. The
 * cursor is published by the editor's binding (`@accord/codemirror`).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ConnectionModel } from '../model/connection-model.js';
import { cleanName, type Identity, loadIdentity, saveIdentity, USER_COLORS } from '../session/identity.js';

const PUBLISH_INTERVAL_MS = 50;

/** Publishes the local user's presence on whatever connection `connection()` returns. */
export class LocalPresenceController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #connection: () => ConnectionModel | undefined;
  #identity: Identity;
  #published: ConnectionModel | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastPublish = 0;

  constructor(host: ReactiveControllerHost, connection: () => ConnectionModel | undefined) {
    this.#host = host;
    this.#connection = connection;
    this.#identity = loadIdentity(sessionStorageOrUndefined());
    host.addController(this);
  }

  /** This tab's name and colour. */
  get identity(): Identity {
    return this.#identity;
  }

  /** Rename this tab's user (trimmed; an empty name keeps the old one). */
  setName(name: string): void {
    const cleaned = cleanName(name, this.#identity.name);
    if (cleaned === this.#identity.name) return;
    this.#identity = { ...this.#identity, name: cleaned };
    saveIdentity(sessionStorageOrUndefined(), this.#identity);
    this.#schedule();
    this.#host.requestUpdate();
  }

  hostUpdated(): void {
    const connection = this.#connection();
    if (connection) this.#avoidColourClash(connection);
    if (connection !== this.#published) {
      this.#published = connection;
      this.#schedule();
    }
  }

  /** Two people in one colour are hard to tell apart: the later arrival picks a free colour. */
  #avoidColourClash(connection: ConnectionModel): void {
    const peers = connection.peers();
    const self = peers.find((peer) => peer.self);
    if (!self || self.id === 0) return;
    const clash = peers.some(
      (peer) => !peer.self && peer.color === this.#identity.color && peer.id < self.id,
    );
    if (!clash) return;
    const used = new Set(peers.filter((peer) => !peer.self).map((peer) => peer.color));
    const free = USER_COLORS.find((color) => !used.has(color));
    if (!free) return;
    this.#identity = { ...this.#identity, color: free };
    saveIdentity(sessionStorageOrUndefined(), this.#identity);
    this.#schedule();
    this.#host.requestUpdate();
  }

  hostDisconnected(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#published = undefined;
  }

  #schedule(): void {
    if (this.#timer !== undefined) return;
    const wait = Math.max(0, this.#lastPublish + PUBLISH_INTERVAL_MS - Date.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#publish();
    }, wait);
  }

  #publish(): void {
    this.#lastPublish = Date.now();
    this.#published?.setLocalPresence({ ...this.#identity });
  }
}

function sessionStorageOrUndefined(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}
