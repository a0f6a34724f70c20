/**
 * The history panel's model over the real provider: lists versions when the document's snapshot
 * number changes (the cluster tells every tab), loads and compares them with `diffVersions`, and
 * restores with `restoreVersion` (a forward change: concurrent edits are kept).
 */
import type { WebsocketProvider } from '@accord/client';
import { type DeltaOp, type Doc, diffVersions, restoreVersion } from '@accord/core';
import type { HistoryModel, TextPiece, VersionEntry, VersionView } from '../model/history-model.js';

/** {@link HistoryModel} of `provider`'s document, showing the text root `textName`. */
export class ProviderHistoryModel implements HistoryModel {
  #versions: readonly VersionEntry[] = [];
  readonly #listeners = new Set<() => void>();
  readonly #loaded = new Map<string, Promise<Doc>>();
  #lastSeq = -1;
  #refreshing = false;
  readonly #off: () => void;

  constructor(
    private readonly provider: WebsocketProvider,
    private readonly textName: string,
  ) {
    const onCluster = () => {
      const seq = provider.cluster?.snapshotSeq ?? 0;
      if (seq !== this.#lastSeq) {
        this.#lastSeq = seq;
        void this.refresh();
      }
    };
    const offCluster = provider.on('cluster', onCluster);
    const offSync = provider.on('sync', (synced) => {
      if (synced) void this.refresh();
    });
    this.#off = () => {
      offCluster();
      offSync();
    };
  }

  versions(): readonly VersionEntry[] {
    return this.#versions;
  }

  async view(entry: VersionEntry, previous: VersionEntry | null): Promise<VersionView> {
    const doc = await this.#load(entry);
    const text = doc.getText(this.textName).toString();
    if (previous === null)
      return { entry, pieces: text === '' ? [] : [{ text, inserted: true }], deleted: [] };
    const before = await this.#load(previous);
    const ops = (diffVersions(before, doc).texts[this.textName] ?? []) as readonly DeltaOp<string>[];
    return { entry, ...piecesOf(before.getText(this.textName).toString(), ops) };
  }

  async restore(entry: VersionEntry): Promise<void> {
    restoreVersion(this.provider.doc, await this.#load(entry));
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stop listening to the provider. */
  dispose(): void {
    this.#off();
    this.#listeners.clear();
  }

  async refresh(): Promise<void> {
    if (this.#refreshing) return;
    this.#refreshing = true;
    try {
      const list = await this.provider.versions();
      this.#versions = list.map(({ term, seq, at }) => ({ term, seq, at }));
      for (const l of this.#listeners) l();
    } catch {
      // Offline or destroyed: the list stays as it was and is refreshed on the next sync.
    } finally {
      this.#refreshing = false;
    }
  }

  #load(entry: VersionEntry): Promise<Doc> {
    const key = `${entry.term}:${entry.seq}`;
    let p = this.#loaded.get(key);
    if (p === undefined) {
      p = this.provider.loadVersion(entry);
      p.catch(() => this.#loaded.delete(key));
      this.#loaded.set(key, p);
    }
    return p;
  }
}

/** The newer text as pieces (inserted or not) and the deleted runs, from the delta over `older`. */
function piecesOf(
  older: string,
  ops: readonly DeltaOp<string>[],
): { pieces: TextPiece[]; deleted: string[] } {
  const pieces: TextPiece[] = [];
  const deleted: string[] = [];
  let at = 0;
  for (const op of ops) {
    if ('retain' in op) {
      pieces.push({ text: older.slice(at, at + op.retain), inserted: false });
      at += op.retain;
    } else if ('delete' in op) {
      deleted.push(older.slice(at, at + op.delete));
      at += op.delete;
    } else pieces.push({ text: op.insert, inserted: true });
  }
  if (at < older.length) pieces.push({ text: older.slice(at), inserted: false });
  return { pieces, deleted };
}
