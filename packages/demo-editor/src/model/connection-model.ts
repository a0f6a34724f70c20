/** What the presence list, the offline switch and the cluster panel need from the provider. */
import type { PresenceSource } from '@accord/codemirror';

/** Connection status as the provider reports it. */
export type ConnectionStatus = 'connecting' | 'connected' | 'synced' | 'offline';

/** The cluster as the serving node last described it. */
export interface ClusterView {
  /** The node this tab is connected to, or `undefined` while disconnected. */
  readonly nodeId: number | undefined;
  readonly leaderId: number | undefined;
  readonly term: number | undefined;
  /** The document's latest snapshot number (0: none yet). */
  readonly snapshotSeq: number | undefined;
}

/**
 * The document's copy in this browser (IndexedDB): `loading` until it is read, `saved` while
 * every change is stored, `off` when the browser refused (`reason` is the error code, e.g.
 * `quota-exceeded`, `corrupt`, `unavailable`): the document then syncs through the network only.
 * `problem` is set (and stays) after a non-fatal error, such as skipped corrupt records.
 */
export interface LocalCopyView {
  readonly state: 'loading' | 'saved' | 'off';
  readonly reason: string | undefined;
  readonly problem: string | undefined;
}

/** One user in the room. */
export interface Peer {
  /** Session id; unique in the room. */
  readonly id: number;
  readonly name: string;
  readonly color: string;
  /** True for this tab. */
  readonly self: boolean;
}

/** The live connection of one document. */
export interface ConnectionModel {
  status(): ConnectionStatus;
  /** False after `setOnline(false)` (the offline switch), true otherwise. */
  wantsOnline(): boolean;
  /** Go offline (edits stay local) or come back (they merge). */
  setOnline(online: boolean): void;
  cluster(): ClusterView;
  /** Everyone present, this tab first. */
  peers(): readonly Peer[];
  /** Publish this tab's name and colour (the editor binding publishes the cursor). */
  setLocalPresence(state: { name: string; color: string }): void;
  /** The presence channel the editor draws remote carets from and publishes its cursor to. */
  presence(): PresenceSource;
  /** The browser's copy of the document, when the session keeps one. */
  localCopy?(): LocalCopyView;
  /** Call `listener` after any change of status, cluster or presence; returns the unsubscribe. */
  subscribe(listener: () => void): () => void;
}
