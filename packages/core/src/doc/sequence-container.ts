/**
 * The common part of the sequence-backed containers ({@link List} and {@link Text}): they own a
 * {@link Sequence}, report its changes as pending change events, and run each local edit in a
 * transaction of their document (joining the caller's open one).
 */
import { Sequence } from '../sequence/sequence.js';
import { Container, type DocCore } from './container.js';

/** A container whose content is a `Sequence` (the sequence CRDT). */
export abstract class SequenceContainer extends Container {
  /** The sequence of elements (code units for text). @internal */
  readonly seq: Sequence;

  /** @internal */
  constructor(
    doc: DocCore,
    rootName: string | null,
    hc: number,
    hk: number,
    parent: Container | null,
    text: boolean,
  ) {
    super(doc, rootName, hc, hk, parent);
    this.seq = new Sequence(doc, this, text);
  }

  /** Number of elements (UTF-16 code units for text). */
  get length(): number {
    return this.seq.length;
  }

  /**
   * Insert `content` at `index` inside a transaction, as {@link edit} would run
   * `seq.insertLocal(index, content, 0, nextClock, false, afterDead)`, without making a closure:
   * the plain typing path, once per keystroke.
   * @internal
   */
  protected insertPlain(index: number, content: string | unknown[], afterDead: boolean): void {
    const doc = this.doc;
    const opened = doc.begin();
    try {
      this.seq.insertLocal(index, content, 0, doc.nextClock, false, afterDead);
    } finally {
      if (opened) doc.commit();
    }
  }

  /** Delete `length` units at `index` inside a transaction, as {@link insertPlain} inserts. @internal */
  protected deletePlain(index: number, length: number): void {
    const doc = this.doc;
    const opened = doc.begin();
    try {
      this.seq.deleteLocal(index, length);
    } finally {
      if (opened) doc.commit();
    }
  }

  /** Run `edit` inside a transaction: the caller's open one, or a new one committed afterwards. @internal */
  protected edit<T>(edit: () => T): T {
    const doc = this.doc;
    const opened = doc.begin();
    try {
      return edit();
    } finally {
      if (opened) doc.commit();
    }
  }

  /** @internal change report from the sequence. */
  onInsert(index: number, content: string | unknown[]): void {
    this.pendingChanges.push({ index, insert: typeof content === 'string' ? content : content.slice() });
    this.touch();
  }

  /** @internal change report from the sequence. */
  onDelete(index: number, len: number): void {
    this.pendingChanges.push({ index, delete: len });
    this.touch();
  }
}
