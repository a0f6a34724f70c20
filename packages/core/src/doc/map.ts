/**
 * A collaborative map from string keys to JSON values or nested containers.
 *
 * Concurrency: a write replaces the values its writer had seen for that key; writes made
 * concurrently all survive as the key's concurrent values (`getAll`), and `get` returns the one
 * with the latest hybrid-logical-clock timestamp (replica id breaks ties), so every replica picks
 * the same winner and a skewed wall clock cannot hide a write forever. A delete removes the values
 * its writer had seen; a concurrent write survives it (add wins). Writing a container under a key
 * while another replica edits the container previously there: the old container is removed (see
 * {@link Container}) and the new one stays.
 */
import { AccordError } from '../errors.js';
import { Container, type ContainerKind } from './container.js';
import type { Counter } from './counter.js';
import type { Doc } from './doc.js';
import type { List } from './list.js';
import { entryWins, MapEntry } from './structs.js';
import type { Text } from './text.js';
import { assertJsonValue, valueToJSON } from './values.js';

/** A map in a document. */
export class DocMap extends Container {
  readonly kind: ContainerKind = 'map';
  /** Live (not overwritten) entries per key. */
  readonly live = new Map<string, MapEntry[]>();

  constructor(doc: Doc, rootName: string | null, hc: number, hk: number, parent: Container | null) {
    super(doc, rootName, hc, hk, parent);
  }

  private winner(key: string): MapEntry | undefined {
    const list = this.live.get(key);
    if (list === undefined) return undefined;
    let best = list[0] as MapEntry;
    for (const e of list) if (entryWins(e, best, this.doc.clientIds)) best = e;
    return best;
  }

  /** The value under `key` (the last writer's, if writes were concurrent), or undefined. */
  get(key: string): unknown {
    return this.winner(key)?.value;
  }

  /** Every concurrent value under `key`, the winner first; empty when unset. */
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
    this.write(key, () => value);
  }

  /** Set `key` to a new empty container of `kind` and return it. */
  setContainer(key: string, kind: ContainerKind): Container {
    let made: Container | null = null;
    this.write(key, (clock) => {
      made = this.doc.createContainer(kind, null, 0, clock, this);
      return made;
    });
    return made as unknown as Container;
  }

  /** Set `key` to a new empty map. */
  setMap(key: string): DocMap {
    return this.setContainer(key, 'map') as DocMap;
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

  /** @internal add a live entry (local or remote). */
  integrateEntry(entry: MapEntry): void {
    const list = this.live.get(entry.key);
    if (list === undefined) this.live.set(entry.key, [entry]);
    else list.push(entry);
    if (this.tracking) {
      this.pendingKeys.add(entry.key);
      this.touch();
    }
  }

  /** @internal delete an entry (local overwrite or remote delete). */
  deleteEntry(entry: MapEntry): void {
    if (entry.deleted) return;
    entry.deleted = true;
    entry.value = undefined;
    this.doc.recordDelete(entry.client, entry.clock, 1);
    const list = this.live.get(entry.key);
    if (list !== undefined) {
      const i = list.indexOf(entry);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.live.delete(entry.key);
    }
    if (this.tracking) {
      this.pendingKeys.add(entry.key);
      this.touch();
    }
  }

  /** Entries as an object of JSON values, keys sorted (the same on every replica). */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of [...this.live.keys()].sort()) out[key] = valueToJSON(this.winner(key)?.value);
    return out;
  }
}
