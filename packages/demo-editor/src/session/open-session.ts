/**
 * Opens the real session: a fresh `Doc` for the named document, kept in this browser
 * (`IndexeddbPersistence`: a reload shows offline edits, and what no relay acknowledged is sent
 * once online), synced with the other tabs of this browser (`crossTab`) and with the relay
 * cluster through a `WebsocketProvider` that knows every node (so it can fail over), and the
 * adapters the views use. The text is `text`, the rich text `rich` (blocks), the todos `todos` and
 * the counter `counter` at the root.
 */
import { IndexeddbPersistence, WebsocketProvider } from '@accord/client';
import { Doc } from '@accord/core';
import { ProviderConnectionModel } from './connection-adapter.js';
import { DocCounterModel } from './counter-adapter.js';
import type { DemoSession } from './demo-session.js';
import { ProviderHistoryModel } from './history-adapter.js';
import { docRichTextModel } from './rich-text-adapter.js';
import { DocTextModel } from './text-adapter.js';
import { DocTodoModel } from './todo-adapter.js';

/** Open `docName` on the cluster at `relayUrls`. */
export function openSession(docName: string, relayUrls: readonly string[]): DemoSession {
  const doc = new Doc();
  const store = new IndexeddbPersistence(docName, doc);
  // Connect once the stored copy is in: the first handshake then sends whatever the relay lacks.
  const provider = new WebsocketProvider(doc, [...relayUrls], {
    docId: docName,
    crossTab: true,
    connect: false,
  });
  const connection = new ProviderConnectionModel(provider, store);
  let open = true;
  // A browser whose IndexedDB never answers must not keep the page offline: 3 s at most.
  const loaded = Promise.race([store.whenSynced, new Promise((resolve) => setTimeout(resolve, 3_000))]);
  void loaded.then(() => {
    if (open && connection.wantsOnline()) provider.connect();
  });
  const text = new DocTextModel(doc, doc.getText('text'));
  const history = new ProviderHistoryModel(provider, 'text');
  const richText = docRichTextModel(doc, 'rich');
  return {
    docName,
    text,
    richText,
    todos: new DocTodoModel(doc, doc.getMap('todoItems')),
    counter: new DocCounterModel(doc, doc.getCounter('counter')),
    connection,
    history,
    destroy() {
      open = false;
      void store.destroy();
      history.dispose();
      connection.dispose();
      provider.destroy();
      text.destroy();
      richText.destroy();
    },
  };
}
