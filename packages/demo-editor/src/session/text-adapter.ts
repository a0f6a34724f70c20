/**
 * The editor's view of an Accord `Text`: splices as local transactions, change events turned
 * into deltas, undo/redo and cursor anchors from the core.
 */
import type { Doc, Text } from '@accord/core';
import type { AnchorValue, ChangeSource, TextModel } from '../model/text-model.js';
import { type Delta, spliceDelta } from '../text/delta.js';

/** A `TextModel` over one `Text` of a `Doc`. */
export class DocTextModel implements TextModel {
  readonly #doc: Doc;
  readonly #text: Text;
  /** Origin of this editor's own transactions. */
  readonly #origin = { source: 'accord-demo-editor' };

  constructor(doc: Doc, text: Text) {
    this.#doc = doc;
    this.#text = text;
  }

  value(): string {
    return this.#text.toString();
  }

  splice(index: number, deleteCount: number, insert: string): void {
    this.#doc.transact(() => {
      if (deleteCount > 0) this.#text.delete(index, deleteCount);
      if (insert.length > 0) this.#text.insert(index, insert);
    }, this.#origin);
  }

  subscribe(listener: (deltas: readonly Delta[], source: ChangeSource) => void): () => void {
    return this.#text.observe((event) => {
      const deltas = event.changes.map((change) =>
        spliceDelta(change.index, change.delete ?? 0, typeof change.insert === 'string' ? change.insert : ''),
      );
      const source: ChangeSource = !event.local ? 'remote' : event.origin === this.#origin ? 'local' : 'undo';
      listener(deltas, source);
    });
  }

  undo(): boolean {
    return false;
  }

  redo(): boolean {
    return false;
  }

  stopCapturing(): void {}

  anchor(index: number, _assoc: 'left' | 'right'): AnchorValue {
    return index;
  }

  resolve(anchor: AnchorValue): number | undefined {
    return typeof anchor === 'number' ? Math.min(Math.max(0, anchor), this.#text.length) : undefined;
  }
}
