/**
 * Cross-tab sync: the tabs of one browser that open one document exchange updates and presence
 * over a `BroadcastChannel` (`accord:<docId>`), so they converge with the network cut, and each
 * shows the others' carets. Every message is untrusted (see `tab-codec.ts`): one that does not
 * decode or apply is reported and dropped, never applied in part.
 *
 * Updates a tab receives from another tab are not queued for the relay one by one: the tab that
 * made them sends them, a closing tab hands its unacknowledged ones to the others (`leave`), and
 * every handshake sends whatever the relay lacks.
 */
import type { PresenceState } from '@accord/core/protocol';
import type { DocSync } from '../doc-sync.js';
import { LOCAL_COPY, type LocalCopyKind, localCopyKind } from '../origins.js';
import { type Scheduler, TimerSlot } from '../scheduler.js';
import { decodeTabMessage, encodeTabMessage, MAX_ADOPTED, type TabMessage } from './tab-codec.js';

/** The part of `BroadcastChannel` this module uses. */
export interface BroadcastChannelLike {
  postMessage(message: unknown): void;
  close(): void;
  onmessage: ((event: { readonly data: unknown }) => void) | null;
}

/** Opens a channel by name (default: the host's `BroadcastChannel`). */
export type BroadcastChannelFactory = (name: string) => BroadcastChannelLike;

/** What the channel needs from the provider it serves. */
export interface TabChannelHost {
  readonly docSync: DocSync;
  readonly scheduler: Scheduler;
  /** This tab's relay session id (0 when not connected) and presence. */
  presence(): { readonly sessionId: number; readonly state: PresenceState | null };
  /** Other tabs' presence changed. */
  peersChanged(): void;
  /** Updates a closing tab left unacknowledged: queue them for the relay. */
  adopt(updates: readonly Uint8Array[]): void;
  /** This tab's unacknowledged updates (handed over when it closes). */
  pending(): Uint8Array[];
  /** A message from another tab did not decode or apply. */
  report(message: string): void;
}

/** Timing of tab presence. */
export interface TabChannelOptions {
  /** Re-announce this tab's presence this often (ms). Default 5 000. */
  readonly refreshMs?: number | undefined;
  /** Forget a tab not heard from for this long (ms). Default 15 000. */
  readonly expireMs?: number | undefined;
}

interface TabPeer {
  sessionId: number;
  state: PresenceState;
  heardAt: number;
}

/** The host's `BroadcastChannel`, or `undefined` where there is none. */
export function defaultChannelFactory(): BroadcastChannelFactory | undefined {
  const BC = (globalThis as { BroadcastChannel?: new (name: string) => BroadcastChannelLike })
    .BroadcastChannel;
  return BC === undefined ? undefined : (name) => new BC(name);
}

/** One tab's end of the cross-tab channel of a document. */
export class TabChannel {
  /** Marks updates applied from other tabs (the provider does not queue them one by one). */
  readonly [LOCAL_COPY]: LocalCopyKind = 'tab';
  /** This tab's id on the channel (random). */
  readonly tabId: number;
  private readonly channel: BroadcastChannelLike;
  private readonly peers = new Map<number, TabPeer>();
  private readonly timer: TimerSlot;
  private readonly refreshMs: number;
  private readonly expireMs: number;
  private readonly unsubscribeDoc: () => void;
  private readonly unsubscribePage: () => void;
  private closed = false;
  /** A `leave` went out (page hidden) and no `hello` since: do not hand the same updates over twice. */
  private left = false;

  /** Join channel `name` and say hello. */
  constructor(
    name: string,
    private readonly host: TabChannelHost,
    factory: BroadcastChannelFactory,
    options: TabChannelOptions = {},
    random: () => number = Math.random,
  ) {
    this.tabId = 1 + Math.floor(random() * 0x7ffffffe);
    this.refreshMs = options.refreshMs ?? 5_000;
    this.expireMs = options.expireMs ?? 15_000;
    this.timer = new TimerSlot(host.scheduler);
    this.channel = factory(name);
    this.channel.onmessage = (event) => this.receive(event.data);
    this.unsubscribeDoc = host.docSync.onUpdate((update, origin) => {
      // Another tab's update came from there; the store's, every tab loads for itself.
      if (origin === this || localCopyKind(origin) === 'store') return;
      this.post({ type: 'update', from: this.tabId, update });
    });
    this.unsubscribePage = onPageLifecycle(
      () => this.leave(),
      () => this.hello(),
    );
    this.hello();
    this.tick();
  }

  /** Send this tab's presence and session id to the other tabs (after any change of either). */
  announce(): void {
    const { sessionId, state } = this.host.presence();
    this.post({ type: 'presence', from: this.tabId, sessionId, state });
  }

  /**
   * The peers to show: `relayPeers` (keyed by session id) plus every other tab of this browser
   * the relay does not list (keyed by the negative of its tab id).
   */
  mergePeers(relayPeers: Map<number, PresenceState>): Map<number, PresenceState> {
    for (const [tabId, peer] of this.peers)
      if (peer.sessionId === 0 || !relayPeers.has(peer.sessionId)) relayPeers.set(-tabId, peer.state);
    return relayPeers;
  }

  /** Leave the channel: hand unacknowledged updates to the other tabs, stop listening. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.leave();
    this.closed = true;
    this.timer.clear();
    this.unsubscribeDoc();
    this.unsubscribePage();
    this.channel.onmessage = null;
    try {
      this.channel.close();
    } catch {
      // already closed
    }
  }

  private hello(): void {
    this.left = false;
    this.post({ type: 'hello', from: this.tabId, stateVector: this.host.docSync.stateVector() });
    if (this.host.presence().state !== null) this.announce();
  }

  private leave(): void {
    if (this.left) return;
    this.left = true;
    const pending = this.host.pending().slice(0, MAX_ADOPTED);
    this.post({ type: 'leave', from: this.tabId, pending });
  }

  /** Re-announce presence and forget tabs gone silent, every `refreshMs`. */
  private tick(): void {
    if (this.closed) return;
    const now = this.host.scheduler.now();
    let changed = false;
    for (const [id, peer] of this.peers)
      if (now - peer.heardAt > this.expireMs) {
        this.peers.delete(id);
        changed = true;
      }
    if (changed) this.host.peersChanged();
    if (this.host.presence().state !== null) this.announce();
    this.timer.set(() => this.tick(), this.refreshMs);
  }

  private post(message: TabMessage): void {
    if (this.closed) return;
    try {
      this.channel.postMessage(encodeTabMessage(message));
    } catch (error) {
      this.host.report(`could not post to the other tabs: ${String(error)}`);
    }
  }

  private receive(data: unknown): void {
    if (this.closed) return;
    let m: TabMessage;
    try {
      m = decodeTabMessage(data);
    } catch (error) {
      this.host.report(`undecodable message from another tab: ${String(error)}`);
      return;
    }
    if (m.from === this.tabId) return;
    const docSync = this.host.docSync;
    try {
      switch (m.type) {
        case 'hello': {
          const update = docSync.missingFor(m.stateVector) ?? new Uint8Array(0);
          this.post({
            type: 'sync',
            from: this.tabId,
            to: m.from,
            update,
            stateVector: docSync.stateVector(),
          });
          if (this.host.presence().state !== null) this.announce();
          return;
        }
        case 'sync': {
          if (m.to !== this.tabId) return;
          if (m.update.length > 0) docSync.apply(m.update, this);
          const missing = docSync.missingFor(m.stateVector);
          if (missing !== undefined) this.post({ type: 'update', from: this.tabId, update: missing });
          return;
        }
        case 'update':
          docSync.apply(m.update, this);
          return;
        case 'presence':
          if (m.state === null) {
            if (this.peers.delete(m.from)) this.host.peersChanged();
          } else {
            this.peers.set(m.from, {
              sessionId: m.sessionId,
              state: m.state,
              heardAt: this.host.scheduler.now(),
            });
            this.host.peersChanged();
          }
          return;
        case 'leave': {
          if (this.peers.delete(m.from)) this.host.peersChanged();
          const adopted: Uint8Array[] = [];
          for (const u of m.pending) {
            docSync.apply(u, this); // throws (and adopts nothing more) on bad bytes
            adopted.push(u.slice());
          }
          if (adopted.length > 0) this.host.adopt(adopted);
          return;
        }
      }
    } catch (error) {
      this.host.report(`a ${m.type} message from another tab did not apply: ${String(error)}`);
    }
  }
}

/** Call `hide` when the page is hidden for good or frozen, `show` when it comes back from the back/forward cache. */
function onPageLifecycle(hide: () => void, show: () => void): () => void {
  const target = globalThis as {
    addEventListener?: (type: string, fn: (event: { persisted?: boolean }) => void) => void;
    removeEventListener?: (type: string, fn: (event: { persisted?: boolean }) => void) => void;
    document?: unknown;
  };
  if (typeof target.addEventListener !== 'function' || target.document === undefined) return () => undefined;
  const onHide = (): void => hide();
  const onShow = (event: { persisted?: boolean }): void => {
    if (event.persisted === true) show();
  };
  target.addEventListener('pagehide', onHide);
  target.addEventListener('pageshow', onShow);
  return () => {
    target.removeEventListener?.('pagehide', onHide);
    target.removeEventListener?.('pageshow', onShow);
  };
}
