/**
 * Child-process entry of the trace bench: `node --expose-gc --allow-natives-syntax worker.js <lib> <trace-path>`.
 * Replays the trace (sequential or concurrent) once and prints one JSON line (a {@link TraceRunResult}, or `{ error }`).
 */
import { loadAdapter, type TraceLib, traceLibs } from './adapters/index.js';
import { replayOnce } from './replay.js';
import { replayConcurrentOnce } from './replay-concurrent.js';
import { loadAnyTrace, traceName } from './trace-file.js';

async function main(): Promise<void> {
  const [libArg, path] = process.argv.slice(2);
  const lib = traceLibs.find((l) => l === libArg);
  if (lib === undefined || path === undefined) {
    throw new Error(`usage: worker.js <${traceLibs.join('|')}> <trace.json.gz>`);
  }
  const trace = loadAnyTrace(path);
  const adapter = await loadAdapter(lib as TraceLib);
  // Node builds its WebCrypto object on first use: about 310 KB of heap and external memory
  // (what the heap readings count) that then stays. Yjs (lib0) touches it when imported, Accord
  // when making its first document (a random replica id), others when they first need
  // randomness: build it here, before anything is measured, so that no library's heap reading
  // counts it and every library's is taken alike.
  globalThis.crypto.getRandomValues(new Uint8Array(1));
  const result =
    'kind' in trace
      ? replayConcurrentOnce(adapter, trace, traceName(path))
      : replayOnce(adapter, trace, traceName(path));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  process.stdout.write(`${JSON.stringify({ error })}\n`);
  process.exitCode = 1;
});
