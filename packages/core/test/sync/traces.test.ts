import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { applyUpdate, Doc, encodeStateAsUpdate } from '@accord/core';
import { type TracePatch, tracePatchesToUtf16 } from '@accord/core/testing';
import { describe, expect, it } from 'vitest';

/** The shared traces beside the repository (`<repo>/../shared/traces`), or `ACCORD_TRACES`. */
const TRACE_DIR =
  process.env.ACCORD_TRACES ?? fileURLToPath(new URL('../../../../../shared/traces', import.meta.url));
const traces = fs.existsSync(TRACE_DIR)
  ? fs.readdirSync(TRACE_DIR).filter((f) => f.endsWith('.json.gz'))
  : [];

interface Trace {
  startContent: string;
  endContent: string;
  txns: { patches: TracePatch[] }[];
}

describe('shared editing traces', () => {
  it('finds the shared traces', () => {
    expect(traces.length).toBeGreaterThan(0);
  });
  for (const file of traces) {
    it(`replays ${file} to its endContent, and its snapshot loads to the same text`, () => {
      const trace = JSON.parse(
        zlib.gunzipSync(fs.readFileSync(path.join(TRACE_DIR, file))).toString(),
      ) as Trace;
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
