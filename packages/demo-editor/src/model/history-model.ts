/** What the history panel needs: the document's versions, one version's text, and restoring it. */

/** One version of the document, as listed. */
export interface VersionEntry {
  /** The cluster-wide snapshot number. */
  readonly term: number;
  readonly seq: number;
  /** When the cluster's leader numbered it (ms since the epoch). */
  readonly at: number;
}

/** A piece of a version's text: unchanged, or inserted since the version before it. */
export interface TextPiece {
  readonly text: string;
  readonly inserted: boolean;
}

/** A version's text, with what changed since the version before it. */
export interface VersionView {
  readonly entry: VersionEntry;
  /** The version's text, in pieces (joined, they are the whole text). */
  readonly pieces: readonly TextPiece[];
  /** Text deleted since the version before it, in order. */
  readonly deleted: readonly string[];
}

/** The version history of one document. */
export interface HistoryModel {
  /** Versions the serving node keeps, oldest first (refreshed as new ones are numbered). */
  versions(): readonly VersionEntry[];
  /** Load `entry` and compare it with the version before it (`null` when it is the first shown). */
  view(entry: VersionEntry, previous: VersionEntry | null): Promise<VersionView>;
  /** Make the live document show `entry` again, as a new change everyone receives. */
  restore(entry: VersionEntry): Promise<void>;
  /** Call `listener` when the list of versions changes; returns the unsubscribe. */
  subscribe(listener: () => void): () => void;
}
