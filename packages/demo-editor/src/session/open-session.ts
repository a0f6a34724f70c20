/**
 * Opens the real session: a fresh `Doc` for the named document, synced with the relay cluster
 * through a `WebsocketProvider` that knows every node (so it can fail over), and the adapters
 * the views use. The text is `text`, the todos `todos` and the counter `counter` at the root.
 */
import { WebsocketProvider } from '@accord/client';
import { Doc } from '@accord/core';
import { ProviderConnectionModel } from './connection-adapter.js';
import { DocCounterModel } from './counter-adapter.js';
import type { DemoSession } from './demo-session.js';
import { ProviderHistoryModel } from './history-adapter.js';
import { DocTextModel } from './text-adapter.js';
import { DocTodoModel } from './todo-adapter.js';

/** Open `docName` on the cluster at `relayUrls`. */
export function openSession(docName: string, relayUrls: readonly string[]): DemoSession {
  const doc = new Doc();
  const provider = new WebsocketProvider(doc, [...relayUrls], { docId: docName });
  const connection = new ProviderConnectionModel(provider);
  const text = new DocTextModel(doc, doc.getText('text'));
  const history = new ProviderHistoryModel(provider, 'text');
  return {
    docName,
    text,
    todos: new DocTodoModel(doc, doc.getMap('todoItems')),
    counter: new DocCounterModel(doc, doc.getCounter('counter')),
    connection,
    history,
    destroy() {
      history.dispose();
      connection.dispose();
      provider.destroy();
      text.destroy();
    },
  };
}
