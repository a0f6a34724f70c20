// Quick self-check of Accord on an editing trace (not the official bench: see packages/bench).
// Usage: node --expose-gc scripts/trace-perf.mjs <trace.json.gz> [path to built core index.js]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import zlib from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));
// Default: automerge-paper from the shared folder beside the repository, else the committed copy.
const sharedTrace = path.join(here, '../../../../shared/traces/automerge-paper.json.gz');
const tracePath =
  process.argv[2] ??
  (fs.existsSync(sharedTrace) ? sharedTrace : path.join(here, '../../bench/traces/automerge-paper.json.gz'));
const modPath = process.argv[3] ?? path.join(here, '../dist/index.js');
const { Doc, encodeStateAsUpdate, applyUpdate } = await import(pathToFileURL(path.resolve(modPath)).href);
const trace = JSON.parse(zlib.gunzipSync(fs.readFileSync(tracePath)).toString());

// Touch every patch once so lazily materialised parts of the parsed trace exist before heap0.
let touched = 0; // printed to stderr so the loop is not optimised away
for (const txn of trace.txns) for (const p of txn.patches) touched += p[0] + p[1] + p[2].length;
const gc = () => {
  if (globalThis.gc) for (let i = 0; i < 3; i++) globalThis.gc();
};
gc();
const heap0 = process.memoryUsage().heapUsed;
const t0 = performance.now();
const doc = new Doc({ clientId: 1 });
const text = doc.getText('text');
let ops = 0;
for (const txn of trace.txns) {
  doc.transact(() => {
    for (const [pos, del, ins] of txn.patches) {
      if (del > 0) text.delete(pos, del);
      if (ins.length > 0) text.insert(pos, ins);
      ops++;
    }
  });
}
const applyMs = performance.now() - t0;
const ok = text.toString() === trace.endContent;
gc();
const heapMB = (process.memoryUsage().heapUsed - heap0) / 1e6;
const t1 = performance.now();
const bytes = encodeStateAsUpdate(doc);
const encodeMs = performance.now() - t1;
const t2 = performance.now();
const doc2 = new Doc({ clientId: 2 });
applyUpdate(doc2, bytes);
const t2text = doc2.getText('text');
const s = t2text.toString();
t2text.insert(Math.floor(s.length / 2), 'x');
const loadMs = performance.now() - t2;
let items = 0;
for (const leaf of text.seq.index.leaves) items += leaf.items.length;
console.log(
  JSON.stringify({
    trace: path.basename(tracePath),
    ops,
    applyMs: Math.round(applyMs),
    encodeBytes: bytes.length,
    encodeMs: Math.round(encodeMs),
    loadMs: Math.round(loadMs * 10) / 10,
    heapMB: Math.round(heapMB * 100) / 100,
    items,
    ok,
    loadOk: s === trace.endContent,
  }),
);
console.error(`touched ${touched}`);
