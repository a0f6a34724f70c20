/**
 * The two containers that hold JSON values and other containers: {@link DocMap} and
 * {@link List}. They share this module because each creates the other (`List.insertMap` returns
 * a `DocMap`, `DocMap.setList` a `List`), so their types refer to each other.
 *
 * A collaborative map from string keys to JSON values or nested containers.
 *
 * Concurrency (default, last writer wins): a write replaces the value its writer had seen; of
 * writes made concurrently, the one with the latest hybrid-logical-clock timestamp (replica id
 * breaks ties) wins on every replica, and the others are dropped as soon as they meet it: the
 * document keeps only their ids (a few bytes per writer, however large the values were). A
 * delete removes the value its writer had seen; the key stays removed unless a write with a
 * later timestamp arrives (a write made after seeing the deleted value always has one), so a
 * concurrent write that lost to the deleted value does not come back. A skewed wall clock cannot
 * hide a write forever: the HLC of every replica moves past the timestamps it receives.
 *
 * Concurrent values (opt-in per map, `setMap(key, { concurrent: true })` or
 * `insertMap(index, { concurrent: true })`): writes made concurrently all stay as the key's
 * values (`getAll`) until a replica that saw them writes or deletes the key; `get` shows the
 * winner by the same timestamp order, and a write survives a concurrent delete (add wins). Such
 * a map stores every concurrent value (it grows with the number of concurrent writers); a
 * default map pays nothing for the option.
 *
 * Writing a container under a key while another replica edits the container previously there:
 * the old container is removed (see {@link Container}) and the new one stays.
 */
import { AccordError } from '../errors.js';
import { heldValue } from '../format/held-values.js';
import type { ContainerKind } from '../format/kinds.js';
import { setOwn } from '../own-keys.js';
import { Container, type DocCore } from './container.js';
import type { Counter } from './counter.js';
import { SequenceContainer } from './sequence-container.js';
import { entryWins, MapEntry } from './structs.js';
import type { Text } from './text.js';
import { assertJsonValue, checkIndex, valueToJSON } from './values.js';

/** Options of a nested map, fixed when it is created (every replica sees the same). */
export interface MapOptions {
  /**
   * Keep every concurrently written value of a key (`getAll`) instead of the winner only.
   * Default false.
   */
  concurrent?: boolean;
}

/** A map in a document. */
export class DocMap extends Container {
  readonly kind: ContainerKind = 'map';
  /** Live entries per key: the winner only (default), or every concurrent value (`concurrent`). @internal */
  readonly live = new Map<string, MapEntry[]>();
  /**
   * Per key, the entry with the greatest timestamp ever integrated, live or deleted (default maps
   * only): a later-arriving entry that it beats is dropped, the same on every replica.
   * @internal
   */
  readonly top = new Map<string, MapEntry>();

  /** @internal */
  constructor(
    doc: DocCore,
    rootName: string | null,
    hc: number,
    hk: number,
    parent: Container | null,
    concurrent = false,
  ) {
    super(doc, rootName, hc, hk, parent);
    this.concurrent = concurrent;
  }

  private winner(key: string): MapEntry | undefined {
    const list = this.live.get(key);
    if (list === undefined) return undefined;
    let best = list[0] as MapEntry;
    for (const e of list) if (entryWins(e, best, this.doc.clientIds)) best = e;
    return best;
  }

  /** The value under `key` (the winner's, if writes were concurrent), or undefined. */
  get(key: string): unknown {
    return this.winner(key)?.value;
  }

  /**
   * Every value under `key`, the winner first; empty when unset. A default map holds at most
   * one; a map created with `{ concurrent: true }` holds every concurrent write.
   */
  getAll(key: string): unknown[] {
    const list = this.live.get(key);
    if (list === undefined) return [];
    const ids = this.doc.clientIds;
    const sorted = list.slice().sort((a, b) => (entryWins(a, b, ids) ? -1 : entryWins(b, a, ids) ? 1 : 0));
    return sorted.map((e) => e.value);
  }

  /** True when `key` has a value. */
  has(key: string): boolean {
    return this.live.has(key);
  }

  /** Keys with a value, sorted. */
  keys(): string[] {
    return [...this.live.keys()].sort();
  }

  /** Number of keys with a value. */
  get size(): number {
    return this.live.size;
  }

  /**
   * Set `key` to a JSON value, replacing the values seen here.
   * @throws {AccordError} `invalid-argument` for non-string keys or non-JSON values.
   */
  set(key: string, value: unknown): void {
    assertJsonValue(value);
    // Held as an immutable whole: a frozen copy of an array or object (see `held-values.ts`).
    const held = heldValue(value);
    this.write(key, () => held);
  }

  /**
   * Set `key` to a new empty container of `kind` and return it (`options` apply to maps).
   * @throws {AccordError} `invalid-argument` for a non-string key.
   */
  setContainer(key: string, kind: ContainerKind, options: MapOptions = {}): Container {
    let made: Container | null = null;
    this.write(key, (clock) => {
      made = this.doc.createContainer(kind, null, 0, clock, this, options.concurrent === true);
      return made;
    });
    return made as unknown as Container;
  }

  /** Set `key` to a new empty map (see {@link MapOptions}). */
  setMap(key: string, options: MapOptions = {}): DocMap {
    return this.setContainer(key, 'map', options) as DocMap;
  }
  /** Set `key` to a new empty list. */
  setList(key: string): List {
    return this.setContainer(key, 'list') as List;
  }
  /** Set `key` to a new empty text. */
  setText(key: string): Text {
    return this.setContainer(key, 'text') as Text;
  }
  /** Set `key` to a new counter. */
  setCounter(key: string): Counter {
    return this.setContainer(key, 'counter') as Counter;
  }

  private write(key: string, make: (clock: number) => unknown): void {
    if (typeof key !== 'string') throw new AccordError('invalid-argument', 'map keys must be strings');
    const doc = this.doc;
    const opened = doc.begin();
    try {
      this.removeLive(key);
      const clock = doc.nextClock;
      const ts = doc.hlc.tick();
      const entry = new MapEntry(0, clock, this, key, make(clock), ts.wall, ts.logical);
      doc.store.add(entry);
      this.integrateEntry(entry);
    } finally {
      if (opened) doc.commit();
    }
  }

  /** Remove `key` (the values seen here). No-op when unset. */
  delete(key: string): void {
    if (!this.live.has(key)) return;
    const doc = this.doc;
    const opened = doc.begin();
    try {
      this.removeLive(key);
    } finally {
      if (opened) doc.commit();
    }
  }

  private removeLive(key: string): void {
    const list = this.live.get(key);
    if (list === undefined) return;
    for (const e of list.slice()) this.deleteEntry(e);
  }

  /**
   * @internal Add an entry (local or remote; a deleted one is a remote tombstone). In a default
   * map, the entry that loses to the key's top entry is dropped at once (its value released),
   * and a new top entry drops the live one it beats.
   */
  integrateEntry(entry: MapEntry): void {
    if (!this.concurrent) {
      const top = this.top.get(entry.key);
      if (top !== undefined && top !== entry) {
        if (entryWins(top, entry, this.doc.clientIds)) {
          entry.deleted = true;
          entry.value = undefined;
          return;
        }
        if (!top.deleted) this.dropEntry(top, false);
      }
      this.top.set(entry.key, entry);
    }
    if (entry.deleted) return;
    const list = this.live.get(entry.key);
    if (list === undefined) this.live.set(entry.key, [entry]);
    else list.push(entry);
    if (this.tracking) this.keyChanged(entry.key);
  }

  /**
   * True when `entry` is deleted but must still travel with its key and timestamp: the top entry
   * of its key in a default map (see {@link DocMap.top}).
   * @internal
   */
  isTombstone(entry: MapEntry): boolean {
    return entry.deleted && !this.concurrent && this.top.get(entry.key) === entry;
  }

  /** @internal delete an entry (local overwrite or remote delete). */
  deleteEntry(entry: MapEntry): void {
    this.dropEntry(entry, true);
  }

  /** Delete `entry`; `record` adds it to the transaction's delete set (not needed when derived). */
  private dropEntry(entry: MapEntry, record: boolean): void {
    if (entry.deleted) return;
    entry.deleted = true;
    entry.value = undefined;
    if (record) this.doc.recordDelete(entry.client, entry.clock, 1);
    const list = this.live.get(entry.key);
    if (list !== undefined) {
      const i = list.indexOf(entry);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.live.delete(entry.key);
    }
    if (this.tracking) this.keyChanged(entry.key);
  }

  /** Entries as an object of JSON values, keys sorted (the same on every replica). */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of [...this.live.keys()].sort()) setOwn(out, key, valueToJSON(this.winner(key)?.value));
    return out;
  }
}

/**
 * A collaborative list of JSON values and nested containers. Concurrent inserts at one position
 * keep each replica's run of elements together; deleting an element that holds a container kills
 * that container (see {@link Container}).
 */
export class List extends SequenceContainer {
  readonly kind: ContainerKind = 'list';

  /** @internal */
  constructor(doc: DocCore, rootName: string | null, hc: number, hk: number, parent: Container | null) {
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
    index = checkIndex(index, 0, this.seq.length, 'index');
    for (const v of values) assertJsonValue(v);
    if (values.length === 0) return;
    // Held as immutable wholes: frozen copies of arrays and objects (see `held-values.ts`).
    for (let i = 0; i < values.length; i++) values[i] = heldValue(values[i]);
    this.insertPlain(index, values, false);
  }

  /** Append JSON values. */
  push(...values: unknown[]): void {
    this.insert(this.seq.length, ...values);
  }

  /** Insert a new empty container of `kind` at `index` and return it (`options` apply to maps). */
  insertContainer(index: number, kind: ContainerKind, options: MapOptions = {}): Container {
    index = checkIndex(index, 0, this.seq.length, 'index');
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
    index = checkIndex(index, 0, this.seq.length, 'index');
    length = checkIndex(length, 0, this.seq.length - index, 'length');
    if (length === 0) return;
    this.deletePlain(index, length);
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
