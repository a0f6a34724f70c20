/**
 * Child-process entry: a Hocuspocus 3 server with SQLite persistence (better-sqlite3, WAL) through
 * its `onLoadDocument`/`onStoreDocument` hooks, storing each document's full Yjs state. Saves
 * are debounced the Hocuspocus way (`--debounce`, default 2000 ms; `--max-debounce` 10000 ms).
 * `node hocuspocus-main.js --port 0 --data DIR` prints `{"port":N}` once listening; SIGTERM
 * stores every document and exits.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Server } from '@hocuspocus/server';
import Database from 'better-sqlite3';
import * as Y from 'yjs';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    data: { type: 'string' },
    debounce: { type: 'string', default: '2000' },
    'max-debounce': { type: 'string', default: '10000' },
  },
});
if (values.data === undefined) throw new Error('--data DIR is required');
mkdirSync(values.data, { recursive: true });
const db = new Database(join(values.data, 'hocuspocus.sqlite'));
db.pragma('journal_mode = WAL');
db.exec('CREATE TABLE IF NOT EXISTS documents (name TEXT PRIMARY KEY, data BLOB NOT NULL)');
const load = db.prepare<[string], { data: Buffer }>('SELECT data FROM documents WHERE name = ?');
const store = db.prepare<[string, Uint8Array]>(
  'INSERT INTO documents (name, data) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET data = excluded.data',
);

const server = new Server({
  port: Number(values.port),
  address: '127.0.0.1',
  quiet: true,
  debounce: Number(values.debounce),
  maxDebounce: Number(values['max-debounce']),
  async onLoadDocument({ document, documentName }) {
    const row = load.get(documentName);
    if (row !== undefined) Y.applyUpdate(document, new Uint8Array(row.data));
    return document;
  },
  async onStoreDocument({ document, documentName }) {
    store.run(documentName, Y.encodeStateAsUpdate(document));
  },
});

await server.listen();
const address = server.httpServer.address();
const port = typeof address === 'object' && address !== null ? address.port : Number(values.port);
process.stdout.write(`${JSON.stringify({ port })}\n`);

process.on('SIGTERM', () => {
  server
    .destroy()
    .catch(() => undefined)
    .finally(() => {
      db.close();
      process.exit(0);
    });
});
