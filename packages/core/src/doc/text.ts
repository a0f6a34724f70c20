/**
 * Collaborative text. Positions are UTF-16 code units, as in JavaScript strings and the DOM.
 *
 * Surrogate pairs are never split: an insert at a position between the two halves of a pair
 * is moved to just before the pair, and a delete that starts or ends inside a pair is widened to
 * cover the whole pair. So emoji, CJK and Hangul text round-trip exactly.
 *
 * Concurrent inserts at one position keep each replica's run together (no interleaving, forwards
 * or backwards); concurrent deletes of the same characters delete them once.
 */

import { isHighSurrogate, isLowSurrogate } from '../encoding/utf16.js';
import { AccordError } from '../errors.js';
import type { ContainerKind } from '../format/kinds.js';
import type { Container, DocCore } from './container.js';
import { SequenceContainer } from './sequence-container.js';
import { checkIndex } from './values.js';

/** A text in a document. */
export class Text extends SequenceContainer {
  readonly kind: ContainerKind = 'text';

  /** @internal */
  constructor(doc: DocCore, rootName: string | null, hc: number, hk: number, parent: Container | null) {
    super(doc, rootName, hc, hk, parent, true);
  }

  private codeAt(pos: number): number {
    return (this.seq.unitAt(pos) as string).charCodeAt(0);
  }

  /**
   * Insert `text` at `index` (0 <= index <= length); an index inside a surrogate pair moves to
   * before the pair.
   * @throws {AccordError} `out-of-range` for a bad index, `invalid-argument` if `text` is not a string.
   */
  insert(index: number, text: string): void {
    if (typeof text !== 'string') throw new AccordError('invalid-argument', 'text must be a string');
    const len = this.seq.length;
    checkIndex(index, 0, len, 'index');
    if (text.length === 0) return;
    const seq = this.seq;
    if (
      seq.hasSurrogates &&
      index > 0 &&
      index < len &&
      isLowSurrogate(this.codeAt(index)) &&
      isHighSurrogate(this.codeAt(index - 1))
    ) {
      index--;
    }
    seq.noteText(text);
    this.edit(() => seq.insertLocal(index, text, 0, this.doc.nextClock));
  }

  /**
   * Delete `length` code units from `index`; a range edge inside a surrogate pair widens to the
   * whole pair.
   * @throws {AccordError} `out-of-range` when the range is not inside the text.
   */
  delete(index: number, length: number): void {
    const len = this.seq.length;
    checkIndex(index, 0, len, 'index');
    checkIndex(length, 0, len - index, 'length');
    if (length === 0) return;
    if (this.seq.hasSurrogates) {
      if (index > 0 && isLowSurrogate(this.codeAt(index)) && isHighSurrogate(this.codeAt(index - 1))) {
        index--;
        length++;
      }
      const end = index + length;
      if (end < len && isHighSurrogate(this.codeAt(end - 1)) && isLowSurrogate(this.codeAt(end))) length++;
    }
    this.edit(() => this.seq.deleteLocal(index, length));
  }

  /** The text as a string. */
  override toString(): string {
    return this.seq.toString();
  }

  /** The text as a string. */
  toJSON(): string {
    return this.seq.toString();
  }
}
