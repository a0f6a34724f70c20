import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { applyUpdate, Doc, encodeStateAsUpdate } from '@accord/core';
import { type TracePatch, tracePatchesToUtf16 } from '@accord/core/testing';
import { describe, expect, it } from 'vitest';

/**
 * The sequential traces to replay: `ACCORD_TRACES` alone when set; else those of the shared folder
 * beside the repository (`<repo>/../shared/traces`, which may hold more), then those committed in
 * `packages/bench/traces` whose file name the shared folder lacks (the order bench's
 * `listSharedTraces` uses; core does not depend on bench, so the paths are computed here).
 */
const TRACE_DIRS = process.env.ACCORD_TRACES
  ? [process.env.ACCORD_TRACES]
  : [
      fileURLToPath(new URL('../../../../../shared/traces', import.meta.url)),
      fileURLToPath(new URL('../../../bench/traces', import.meta.url)),
    ];
const traces = new Map<string, string>(); // file name → path, the first folder's copy
for (const dir of TRACE_DIRS) {
  if (!fs.existsSync(dir)) continue;
  for (const f of fs.readdirSync(dir).sort())
    if (f.endsWith('.json.gz') && !traces.has(f)) traces.set(f, path.join(dir, f));
}

interface Trace {
  startContent: string;
  endContent: string;
  txns: { patches: TracePatch[] }[];
}

describe('shared editing traces', () => {
  it('finds the shared traces', () => {
    expect(traces.size).toBeGreaterThan(0);
  });
  for (const [file, tracePath] of traces) {
    it(`replays ${file} to its endContent, and its snapshot loads to the same text`, () => {
      const trace = JSON.parse(zlib.gunzipSync(fs.readFileSync(tracePath)).toString()) as Trace;
      const doc = new Doc({ clientId: 1 });
      const text = doc.getText('text');
      if (trace.startContent.length > 0) text.insert(0, trace.startContent);
      // Trace positions count code points; Text counts UTF-16 units.
      const txns = tracePatchesToUtf16(
        trace.startContent,
        trace.txns.map((t) => t.patches),
      );
      for (const patches of txns) {
        doc.transact(() => {
          for (const [pos, del, ins] of patches) {
            if (del > 0) text.delete(pos, del);
            if (ins.length > 0) text.insert(pos, ins);
          }
        });
      }
      expect(text.toString()).toBe(trace.endContent);
      const loaded = new Doc({ clientId: 2 });
      applyUpdate(loaded, encodeStateAsUpdate(doc));
      expect(loaded.getText('text').toString()).toBe(trace.endContent);
    }, 60_000);
  }
});
