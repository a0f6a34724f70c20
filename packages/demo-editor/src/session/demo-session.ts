/** Everything one open document offers the views. */
import type { ConnectionModel } from '../model/connection-model.js';
import type { CounterModel } from '../model/counter-model.js';
import type { HistoryModel } from '../model/history-model.js';
import type { RichTextModel } from '../model/rich-text-model.js';
import type { TextModel } from '../model/text-model.js';
import type { TodoModel } from '../model/todo-model.js';

/** One document, live: its text, todos and counter, and its connection to the cluster. */
export interface DemoSession {
  readonly docName: string;
  readonly text: TextModel;
  /** The rich text (blocks with marks) the rich-text editor edits. */
  readonly richText: RichTextModel;
  readonly todos: TodoModel;
  readonly counter: CounterModel;
  readonly connection: ConnectionModel;
  /** The document's version history (the cluster's numbered snapshots). */
  readonly history: HistoryModel;
  /** Disconnect and release everything; the session is unusable afterwards. */
  destroy(): void;
}
