/**
 * The views' window on a `WebsocketProvider`: status, the cluster as the serving node reports
 * it, the people present, this tab's presence, and the offline switch.
 */

import type { ClusterInfo, IndexeddbPersistence, PersistenceError, WebsocketProvider } from '@accord/client';
import type { PresenceSource } from '@accord/codemirror';
import type { PresenceState } from '@accord/core/protocol';
import type {
  ClusterView,
  ConnectionModel,
  ConnectionStatus,
  LocalCopyView,
  Peer,
} from '../model/connection-model.js';

/** A `ConnectionModel` over one provider. */
export class ProviderConnectionModel implements ConnectionModel {
  readonly #provider: WebsocketProvider;
  readonly #listeners = new Set<() => void>();
  readonly #unsubscribe: (() => void)[];
  #wantsOnline = true;
  #cluster: ClusterInfo | null;
  #local: { name: string; color: string } = { name: '', color: '' };
  #peers: readonly Peer[] | undefined;
  readonly #store: IndexeddbPersistence | undefined;
  #storeError: PersistenceError | undefined;
  #storeProblem: PersistenceError | undefined;

  /** Watch `provider` and, if given, the browser `store` of the same document. */
  constructor(provider: WebsocketProvider, store?: IndexeddbPersistence) {
    this.#provider = provider;
    this.#store = store;
    this.#cluster = provider.cluster;
    const changed = (): void => {
      this.#peers = undefined;
      for (const listener of this.#listeners) listener();
    };
    this.#unsubscribe = [
      provider.on('status', changed),
      provider.on('presence', changed),
      provider.on('connected-node', changed),
      provider.on('cluster', (info) => {
        this.#cluster = info;
        changed();
      }),
    ];
    if (store) {
      this.#unsubscribe.push(
        store.on('synced', changed),
        store.on('error', (error) => {
          // Reported, never thrown: the document goes on through the network.
          console.warn(`Accord demo: the browser's copy of the document: ${error.code}`, error.message);
          if (error.fatal) this.#storeError = error;
          else this.#storeProblem = error;
          changed();
        }),
      );
    }
  }

  localCopy(): LocalCopyView {
    const store = this.#store;
    const problem = this.#storeProblem?.code;
    if (!store || store.status === 'unavailable' || store.status === 'destroyed')
      return { state: 'off', reason: this.#storeError?.code ?? 'unavailable', problem };
    return { state: store.status === 'loading' ? 'loading' : 'saved', reason: undefined, problem };
  }

  status(): ConnectionStatus {
    return this.#provider.status;
  }

  wantsOnline(): boolean {
    return this.#wantsOnline;
  }

  setOnline(online: boolean): void {
    if (online === this.#wantsOnline) return;
    this.#wantsOnline = online;
    if (online) this.#provider.connect();
    else this.#provider.disconnect();
    this.#peers = undefined;
    for (const listener of this.#listeners) listener();
  }

  cluster(): ClusterView {
    const info = this.#cluster;
    const status = this.#provider.status;
    const live = status === 'connected' || status === 'synced';
    return {
      nodeId: live && info ? info.nodeId : undefined,
      leaderId: info?.leaderId ?? undefined,
      term: info?.term,
      snapshotSeq: info?.snapshotSeq,
    };
  }

  peers(): readonly Peer[] {
    if (this.#peers) return this.#peers;
    const self: Peer = {
      id: this.#provider.sessionId ?? 0,
      name: this.#local.name,
      color: this.#local.color,
      self: true,
    };
    const others: Peer[] = [];
    for (const [id, state] of this.#provider.peers) others.push(toPeer(id, state));
    others.sort((a, b) => a.name.localeCompare(b.name) || a.id - b.id);
    this.#peers = [self, ...others];
    return this.#peers;
  }

  setLocalPresence(state: { name: string; color: string }): void {
    this.#local = state;
    this.#peers = undefined;
    // Merge: the cursor is the editor binding's to publish.
    this.#provider.updatePresence({ name: state.name, color: state.color });
  }

  presence(): PresenceSource {
    return this.#provider;
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stop listening to the provider (it is destroyed by the session). */
  dispose(): void {
    for (const off of this.#unsubscribe) off();
    this.#listeners.clear();
  }
}

function toPeer(id: number, state: PresenceState): Peer {
  return {
    id,
    name: state.name.slice(0, 64) || `User ${id}`,
    color: /^#[0-9a-fA-F]{3,8}$/.test(state.color) ? state.color : '#888888',
    self: false,
  };
}
