/**
 * The todo list as a `List` of `DocMap`s (`id`, `text`, `done`) inside the document. A reorder is
 * a delete plus an insert of a copy with the same `id`; if two replicas move one item at the same
 * time both copies exist, so the view shows the first copy of each id and edits and deletes
 * apply to every copy.
 */
import { type Doc, DocMap, type List } from '@accord/core';
import type { TodoItem, TodoModel } from '../model/todo-model.js';

const MAX_TODO_LENGTH = 200;

/** A `TodoModel` over one `List` of a `Doc`. */
export class DocTodoModel implements TodoModel {
  readonly #doc: Doc;
  readonly #list: List;
  #cache: readonly TodoItem[] | undefined;

  constructor(doc: Doc, list: List) {
    this.#doc = doc;
    this.#list = list;
    // The view reads items() on every render: cache them until the list (or an item) changes.
    list.observeDeep(() => {
      this.#cache = undefined;
    });
  }

  items(): readonly TodoItem[] {
    if (this.#cache) return this.#cache;
    const seen = new Set<string>();
    const items: TodoItem[] = [];
    for (const { map } of this.#entries()) {
      const item = readItem(map);
      if (!item || seen.has(item.id)) continue;
      seen.add(item.id);
      items.push(item);
    }
    this.#cache = items;
    return items;
  }

  add(text: string): void {
    const clean = text.trim().slice(0, MAX_TODO_LENGTH);
    if (clean.length === 0) return;
    this.#doc.transact(() => {
      writeItem(this.#list.insertMap(this.#list.length), { id: newId(), text: clean, done: false });
    });
  }

  setText(id: string, text: string): void {
    const clean = text.trim().slice(0, MAX_TODO_LENGTH);
    if (clean.length === 0) return;
    this.#doc.transact(() => {
      for (const { map } of this.#entries(id)) map.set('text', clean);
    });
  }

  setDone(id: string, done: boolean): void {
    this.#doc.transact(() => {
      for (const { map } of this.#entries(id)) map.set('done', done);
    });
  }

  remove(id: string): void {
    const indices = this.#entries(id).map((entry) => entry.index);
    if (indices.length === 0) return;
    this.#doc.transact(() => {
      for (const index of indices.reverse()) this.#list.delete(index, 1);
    });
  }

  move(id: string, index: number): void {
    const visible = this.items();
    const from = visible.findIndex((item) => item.id === id);
    const item = visible[from];
    if (!item) return;
    const to = Math.min(Math.max(0, index), visible.length - 1);
    if (to === from) return;
    // Insert before the item that will follow it once moved (or at the end), by list index.
    const after = to > from ? visible[to + 1] : visible[to];
    this.#doc.transact(() => {
      const copies = this.#entries(id).map((entry) => entry.index);
      for (const i of copies.reverse()) this.#list.delete(i, 1);
      const anchor = after ? this.#entries(after.id)[0]?.index : undefined;
      writeItem(this.#list.insertMap(anchor ?? this.#list.length), item);
    });
  }

  subscribe(listener: () => void): () => void {
    return this.#list.observeDeep(() => listener());
  }

  /** The maps of the list (with their indices), optionally only those with `id`. */
  #entries(id?: string): { index: number; map: DocMap }[] {
    const out: { index: number; map: DocMap }[] = [];
    const length = this.#list.length;
    for (let index = 0; index < length; index++) {
      const value = this.#list.get(index);
      if (!(value instanceof DocMap)) continue;
      if (id === undefined || value.get('id') === id) out.push({ index, map: value });
    }
    return out;
  }
}

function readItem(map: DocMap): TodoItem | undefined {
  const id = map.get('id');
  const text = map.get('text');
  if (typeof id !== 'string') return undefined;
  return { id, text: typeof text === 'string' ? text : '', done: map.get('done') === true };
}

function writeItem(map: DocMap, item: TodoItem): void {
  map.set('id', item.id);
  map.set('text', item.text);
  map.set('done', item.done);
}

function newId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
