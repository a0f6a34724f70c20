/**
 * A collaborative list of JSON values and nested containers. Concurrent inserts at one position
 * keep each replica's run of elements together; deleting an element that holds a container kills
 * that container (see {@link Container}).
 */
import { AccordError } from '../errors.js';
import { Sequence, type SequenceListener } from '../sequence/sequence.js';
import { Container, type ContainerKind } from './container.js';
import type { Counter } from './counter.js';
import type { Doc } from './doc.js';
import type { DocMap } from './map.js';
import type { Text } from './text.js';
import { assertJsonValue, checkIndex, valueToJSON } from './values.js';

/** A list in a document. */
export class List extends Container implements SequenceListener {
  readonly kind: ContainerKind = 'list';
  /** The sequence of elements. */
  readonly seq: Sequence;

  constructor(doc: Doc, rootName: string | null, hc: number, hk: number, parent: Container | null) {
    super(doc, rootName, hc, hk, parent);
    this.seq = new Sequence(doc, this, false);
  }

  /** Number of elements. */
  get length(): number {
    return this.seq.length;
  }

  /** The element at `index` (a JSON value or a container), or undefined when out of range. */
  get(index: number): unknown {
    if (!Number.isInteger(index) || index < 0 || index >= this.seq.length) return undefined;
    return this.seq.unitAt(index);
  }

  /**
   * Insert JSON values at `index` (0 <= index <= length).
   * @throws {AccordError} `out-of-range` for a bad index, `invalid-argument` for non-JSON values.
   */
  insert(index: number, ...values: unknown[]): void {
    checkIndex(index, 0, this.seq.length, 'index');
    for (const v of values) assertJsonValue(v);
    if (values.length === 0) return;
    const doc = this.doc;
    const opened = doc.begin();
    try {
      this.seq.insertLocal(index, values, 0, doc.nextClock);
    } finally {
      if (opened) doc.commit();
    }
  }

  /** Append JSON values. */
  push(...values: unknown[]): void {
    this.insert(this.seq.length, ...values);
  }

  /** Insert a new empty container of `kind` at `index` and return it. */
  insertContainer(index: number, kind: ContainerKind): Container {
    checkIndex(index, 0, this.seq.length, 'index');
    const doc = this.doc;
    const opened = doc.begin();
    try {
      const clock = doc.nextClock;
      const c = doc.createContainer(kind, null, 0, clock, this);
      this.seq.insertLocal(index, [c], 0, clock);
      return c;
    } finally {
      if (opened) doc.commit();
    }
  }

  /** Insert a new empty map at `index`. */
  insertMap(index: number): DocMap {
    return this.insertContainer(index, 'map') as DocMap;
  }
  /** Insert a new empty list at `index`. */
  insertList(index: number): List {
    return this.insertContainer(index, 'list') as List;
  }
  /** Insert a new empty text at `index`. */
  insertText(index: number): Text {
    return this.insertContainer(index, 'text') as Text;
  }
  /** Insert a new counter at `index`. */
  insertCounter(index: number): Counter {
    return this.insertContainer(index, 'counter') as Counter;
  }

  /**
   * Delete `length` elements from `index`.
   * @throws {AccordError} `out-of-range` when the range is not inside the list.
   */
  delete(index: number, length = 1): void {
    checkIndex(index, 0, this.seq.length, 'index');
    checkIndex(length, 0, this.seq.length - index, 'length');
    if (length === 0) return;
    const doc = this.doc;
    const opened = doc.begin();
    try {
      this.seq.deleteLocal(index, length);
    } finally {
      if (opened) doc.commit();
    }
  }

  /** The elements (containers as objects). */
  toArray(): unknown[] {
    return this.seq.toArray();
  }

  /** The list as JSON. */
  toJSON(): unknown[] {
    return this.seq.toArray().map(valueToJSON);
  }

  /** @internal change report from the sequence. */
  onInsert(index: number, content: string | unknown[]): void {
    if (typeof content === 'string') throw new AccordError('wrong-type', 'text in a list');
    this.pendingChanges.push({ index, insert: content.slice() });
    this.touch();
  }

  /** @internal change report from the sequence. */
  onDelete(index: number, len: number): void {
    this.pendingChanges.push({ index, delete: len });
    this.touch();
  }
}
