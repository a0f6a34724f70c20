/**
 * The todo list as a `DocMap` from item id to an item map (`text`, `done`, `order`). List order
 * is the items' fractional `order` keys (ties broken by id). Every field is last-writer-wins, so a
 * move is one write of `order`: two replicas moving one item at the same time leave it in one
 * place, never duplicated, and an edit of its text or check mark made meanwhile is kept.
 */
import { type Doc, DocMap } from '@accord/core';
import { isOrderKey, keyBetween } from '../model/order-key.js';
import type { TodoItem, TodoModel } from '../model/todo-model.js';

const MAX_TODO_LENGTH = 200;

interface Entry {
  readonly item: TodoItem;
  readonly order: string;
  readonly map: DocMap;
}

/** A `TodoModel` over one `DocMap` of a `Doc`. */
export class DocTodoModel implements TodoModel {
  readonly #doc: Doc;
  readonly #items: DocMap;
  #cache: readonly Entry[] | undefined;

  constructor(doc: Doc, items: DocMap) {
    this.#doc = doc;
    this.#items = items;
    // The view reads items() on every render: cache them until an item changes.
    items.observeDeep(() => {
      this.#cache = undefined;
    });
  }

  items(): readonly TodoItem[] {
    return this.#entries().map((e) => e.item);
  }

  add(text: string): void {
    const clean = text.trim().slice(0, MAX_TODO_LENGTH);
    if (clean.length === 0) return;
    const last = this.#entries().at(-1);
    this.#doc.transact(() => {
      const map = this.#items.setMap(newId());
      map.set('text', clean);
      map.set('done', false);
      map.set('order', keyBetween(last?.order ?? null, null));
    });
  }

  setText(id: string, text: string): void {
    const clean = text.trim().slice(0, MAX_TODO_LENGTH);
    if (clean.length === 0) return;
    this.#map(id)?.set('text', clean);
  }

  setDone(id: string, done: boolean): void {
    this.#map(id)?.set('done', done);
  }

  remove(id: string): void {
    if (this.#map(id) !== undefined) this.#items.delete(id);
  }

  move(id: string, index: number): void {
    const entries = this.#entries();
    const from = entries.findIndex((e) => e.item.id === id);
    const moving = entries[from];
    if (moving === undefined) return;
    const to = Math.min(Math.max(0, index), entries.length - 1);
    if (to === from) return;
    const others = entries.filter((e) => e !== moving);
    const order = keyBetween(others[to - 1]?.order ?? null, others[to]?.order ?? null);
    moving.map.set('order', order);
  }

  subscribe(listener: () => void): () => void {
    return this.#items.observeDeep(() => listener());
  }

  #map(id: string): DocMap | undefined {
    const value = this.#items.get(id);
    return value instanceof DocMap ? value : undefined;
  }

  /** The items in list order (cached until the next change). */
  #entries(): readonly Entry[] {
    if (this.#cache) return this.#cache;
    const entries: Entry[] = [];
    for (const id of this.#items.keys()) {
      const map = this.#map(id);
      if (map === undefined) continue;
      const text = map.get('text');
      const order = map.get('order');
      entries.push({
        item: { id, text: typeof text === 'string' ? text : '', done: map.get('done') === true },
        // Remote data may hold anything: a malformed key sorts first.
        order: isOrderKey(order) ? order : '',
        map,
      });
    }
    entries.sort((x, y) => (x.order < y.order ? -1 : x.order > y.order ? 1 : x.item.id < y.item.id ? -1 : 1));
    this.#cache = entries;
    return entries;
  }
}

function newId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
