/**
 * The page `bench:idb` drives in Chromium: built `@accord/core` and `@accord/client` loaded as
 * ESM through an import map (no bundler), and a `window.idbBench` API that builds a store from a
 * trace, loads it, compacts it and measures it. The script is plain JavaScript, run by the
 * browser.
 */

/** The HTML of the bench page. */
export const BENCH_PAGE = `<!doctype html><meta charset="utf-8"><title>bench:idb</title><link rel="icon" href="data:,">
<script type="importmap">{"imports":{"@accord/core":"/core/index.js","@accord/core/protocol":"/core/protocol.js","@accord/core/crdts":"/core/crdts.js","@accord/client":"/client/index.js"}}</script>
<script type="module">
import { Doc } from '@accord/core';
import { IndexeddbPersistence } from '@accord/client';

const NEVER = { compactEvery: Number.MAX_SAFE_INTEGER, compactIdleMs: 1e9 };
const tick = () => new Promise((r) => setTimeout(r, 0));

function storeOf(name, doc, options) {
  const store = new IndexeddbPersistence(name, doc, options);
  const errors = [];
  store.on('error', (e) => errors.push(e.code + ': ' + e.message));
  return { store, errors };
}

window.idbBench = {
  /** Replay the trace into a stored document, one update (record) per transaction, no compaction. */
  async build(name, chunk, limit) {
    const trace = await (await fetch('/trace.json')).json();
    if (limit < trace.txns.length) {
      trace.txns = trace.txns.slice(0, limit);
      trace.endContent = null;
    }
    const doc = new Doc();
    const { store, errors } = storeOf(name, doc, NEVER);
    await store.whenSynced;
    const text = doc.getText('text');
    if (trace.startContent) text.insert(0, trace.startContent);
    const t0 = performance.now();
    let i = 0;
    for (const txn of trace.txns) {
      doc.transact(() => {
        for (const [pos, del, ins] of txn.patches) {
          if (del > 0) text.delete(pos, del);
          if (ins !== '') text.insert(pos, ins);
        }
      });
      if (++i % chunk === 0) {
        await tick(); // one write transaction per task, as a typing user's page does
        await store.flush();
      }
    }
    await store.flush();
    const ms = performance.now() - t0;
    await store.destroy();
    const end = text.toString();
    return { txns: trace.txns.length, ms, ok: trace.endContent === null || end === trace.endContent, errors, endLength: end.length };
  },
  /** Load the stored document into a fresh Doc and read its whole text. */
  async load(name, expectedLength) {
    const doc = new Doc();
    const t0 = performance.now();
    const { store, errors } = storeOf(name, doc, NEVER);
    await store.whenSynced;
    const length = doc.getText('text').toString().length;
    const ms = performance.now() - t0;
    await store.destroy();
    return { ms, ok: length === expectedLength && errors.length === 0, errors };
  },
  /** Load, then compact into one snapshot. */
  async compact(name) {
    const doc = new Doc();
    const { store, errors } = storeOf(name, doc, NEVER);
    await store.whenSynced;
    const t0 = performance.now();
    await store.compact();
    const ms = performance.now() - t0;
    await store.destroy();
    return { ms, errors };
  },
  /** Records (snapshot + updates) and their bytes in the store, and the origin's storage usage on disk. */
  async size(name) {
    const db = await new Promise((resolve, reject) => {
      const req = indexedDB.open('accord:' + name);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const read = (store, what, arg) => new Promise((resolve, reject) => {
      const req = db.transaction(store, 'readonly').objectStore(store)[what](arg);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    let records = 0;
    let bytes = 0;
    const snapshot = await read('snapshot', 'get', 'state');
    if (snapshot) {
      records++;
      bytes += snapshot.byteLength;
    }
    const count = await read('updates', 'count');
    if (count > 0 && !snapshot) {
      for (const v of await read('updates', 'getAll')) bytes += v.byteLength;
    }
    records += count;
    db.close();
    const estimate = await navigator.storage.estimate();
    return { records, bytes, usage: estimate.usage ?? null };
  },
};
window.ready = true;
</script>`;
