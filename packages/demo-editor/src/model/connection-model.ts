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
  /** Call `listener` after any change of status, cluster or presence; returns the unsubscribe. */
  subscribe(listener: () => void): () => void;
}
