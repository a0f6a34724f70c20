/**
 * Concurrent traces: the seeded generator's histories (several authors, merges) replay to their
 * `endContent` in every library, the parser refuses malformed files, and the real bench command
 * reports the concurrent fields.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAdapter, traceLibs } from '../../src/trace/adapters/index.js';
import { replayConcurrentOnce } from '../../src/trace/replay-concurrent.js';
import { syntheticConcurrentTrace } from '../../src/trace/synthetic-concurrent.js';
import { type ConcurrentTrace, parseAnyTrace, TraceFormatError } from '../../src/trace/trace-file.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const parse = (t: unknown) => parseAnyTrace(JSON.stringify(t)) as ConcurrentTrace;

describe('concurrent traces', () => {
  it('every library replays generated histories (authors, merges, deletes, pastes) to endContent', async () => {
    for (const seed of [1, 2]) {
      const raw = syntheticConcurrentTrace({ agents: 3, edits: 400, seed });
      expect(raw.txns.filter((t) => t.parents.length > 1).length).toBeGreaterThan(10);
      const trace = parse(raw);
      for (const lib of traceLibs) {
        const r = replayConcurrentOnce(await loadAdapter(lib), trace, 'synthetic');
        expect({ lib, seed, ok: r.ok }).toEqual({ lib, seed, ok: true });
        expect(r.kind).toBe('concurrent');
        expect(r.mergeMs).toBeGreaterThanOrEqual(0);
        expect(r.encodeBytes).toBeGreaterThan(0);
      }
    }
  }, 120_000);

  it('Accord converges on any generated history (property)', async () => {
    const accord = await loadAdapter('accord');
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }),
        fc.integer(),
        fc.double({ min: 0, max: 0.9, noNaN: true }),
        (agents, seed, mergeRate) => {
          const trace = parse(syntheticConcurrentTrace({ agents, edits: 150, seed, mergeRate }));
          return replayConcurrentOnce(accord, trace, 'p').ok;
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);

  it('refuses malformed concurrent traces with a TraceFormatError', () => {
    const ok = {
      kind: 'concurrent',
      endContent: 'a',
      numAgents: 1,
      txns: [{ agent: 0, parents: [], patches: [[0, 0, 'a']] }],
    };
    expect(parse(ok).txns).toHaveLength(1);
    const bad: unknown[] = [
      { ...ok, numAgents: 0 },
      { ...ok, txns: [{ agent: 1, parents: [], patches: [] }] },
      { ...ok, txns: [{ agent: 0, parents: [0], patches: [] }] },
      { ...ok, txns: [{ agent: 0, parents: [], patches: [[0, -1, '']] }] },
      { ...ok, txns: [{ agent: 0, parents: [], patches: 'x' }] },
      { ...ok, endContent: 3 },
    ];
    for (const b of bad) expect(() => parse(b)).toThrow(TraceFormatError);
  });

  it('pnpm bench:trace reports replayMs, mergeMs and ok for a concurrent file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'accord-concurrent-'));
    dirs.push(dir);
    writeFileSync(
      join(dir, 'c.json.gz'),
      gzipSync(JSON.stringify(syntheticConcurrentTrace({ agents: 3, edits: 300, seed: 9 }))),
    );
    const cli = fileURLToPath(new URL('../../dist/bin/bench-trace.js', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [
      cli,
      join(dir, 'c.json.gz'),
      '--vs',
      'yjs',
      '--runs',
      '1',
      '--json',
    ]);
    const rows = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((r) => r.lib)).toEqual(['accord', 'yjs']);
    for (const r of rows) {
      expect(r).toMatchObject({ kind: 'concurrent', ok: true, txns: 301 });
      expect(typeof r.replayMs).toBe('number');
      expect(typeof r.mergeMs).toBe('number');
    }
  }, 120_000);
});
