/**
 * A collaborative list of JSON values and nested containers. Concurrent inserts at one position
 * keep each replica's run of elements together; deleting an element that holds a container kills
 * that container (see {@link Container}).
 */
import { AccordError } from '../errors.js';
import type { ContainerKind } from '../format/kinds.js';
import type { Container } from './container.js';
import type { Counter } from './counter.js';
import type { Doc } from './doc.js';
import type { DocMap, MapOptions } from './map.js';
import { SequenceContainer } from './sequence-container.js';
import type { Text } from './text.js';
import { assertJsonValue, checkIndex, valueToJSON } from './values.js';

/** A list in a document. */
export class List extends SequenceContainer {
  readonly kind: ContainerKind = 'list';

  constructor(doc: Doc, rootName: string | null, hc: number, hk: number, parent: Container | null) {
    super(doc, rootName, hc, hk, parent, false);
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
    this.edit(() => this.seq.insertLocal(index, values, 0, this.doc.nextClock));
  }

  /** Append JSON values. */
  push(...values: unknown[]): void {
    this.insert(this.seq.length, ...values);
  }

  /** Insert a new empty container of `kind` at `index` and return it (`options` apply to maps). */
  insertContainer(index: number, kind: ContainerKind, options: MapOptions = {}): Container {
    checkIndex(index, 0, this.seq.length, 'index');
    return this.edit(() => {
      const clock = this.doc.nextClock;
      const c = this.doc.createContainer(kind, null, 0, clock, this, options.concurrent === true);
      this.seq.insertLocal(index, [c], 0, clock);
      return c;
    });
  }

  /** Insert a new empty map at `index` (see {@link MapOptions}). */
  insertMap(index: number, options: MapOptions = {}): DocMap {
    return this.insertContainer(index, 'map', options) as DocMap;
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
    this.edit(() => this.seq.deleteLocal(index, length));
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
  override onInsert(index: number, content: string | unknown[]): void {
    if (typeof content === 'string') throw new AccordError('wrong-type', 'text in a list');
    super.onInsert(index, content);
  }
}
