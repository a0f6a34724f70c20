/** What the todo list needs from the document: a list of `{ text, done }` maps. */

/** One todo as the view sees it. `id` is stable across edits and reorders on every replica. */
export interface TodoItem {
  readonly id: string;
  readonly text: string;
  readonly done: boolean;
}

/** A shared list of todos. Concurrent edits to one item's text resolve last-writer-wins. */
export interface TodoModel {
  /** The todos in list order. */
  items(): readonly TodoItem[];
  /** Append a todo (trimmed text; empty text is ignored). */
  add(text: string): void;
  /** Change a todo's text; unknown ids are ignored (the item was deleted concurrently). */
  setText(id: string, text: string): void;
  /** Check or uncheck a todo. */
  setDone(id: string, done: boolean): void;
  /** Delete a todo. */
  remove(id: string): void;
  /** Move a todo to `index` (clamped to the list). */
  move(id: string, index: number): void;
  /** Call `listener` after every change, local or remote; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
}
