/**
 * The crdt-benchmarks port: inputs equal the published suite's (seeded lib0 PRNG), every
 * scenario's check passes for every library at a small N, the table has the suite's rows, and
 * the command line prints one JSON object per library and row and refuses unknown flags.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { factoryOf, suiteLibs } from '../../src/crdt-suite/factories/index.js';
import { drawInputs } from '../../src/crdt-suite/inputs.js';
import { runSuite, selected } from '../../src/crdt-suite/run-suite.js';
import { formatSuiteTable } from '../../src/crdt-suite/table.js';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../dist/bin/bench-crdt.js', import.meta.url));

describe('crdt-benchmarks suite', () => {
  it('draws the same inputs for the same N, consistent with their expected results', () => {
    const a = drawInputs(200);
    const b = drawInputs(200);
    expect(a).toEqual(b);
    expect(a.initText).toHaveLength(100);
    expect(a.b1_1).toHaveLength(200);
    let s = '';
    for (const op of a.b1_7.ops) {
      if (op.insert !== undefined) s = s.slice(0, op.index) + op.insert + s.slice(op.index);
      else s = s.slice(0, op.index) + s.slice(op.index + (op.deleteCount ?? 0));
    }
    expect(s).toBe(a.b1_7.result);
  });

  it('selects scenarios by tag', () => {
    expect(selected('[B1.1] Append N characters', [])).toBe(true);
    expect(selected('[B1.1] Append N characters', ['B1'])).toBe(true);
    expect(selected('[B1.10] Prepend N numbers', ['B1.1'])).toBe(false);
    expect(selected('[B3.3] x', ['B3.3', 'B4'])).toBe(true);
    expect(selected('[B4] x', ['B3'])).toBe(false);
  });

  it.each(suiteLibs)(
    '%s passes every check of B1–B3 at N = 100',
    (lib) => {
      const { rows, failures } = runSuite(factoryOf(lib), { n: 100, only: [], trace: null });
      expect(failures).toEqual([]);
      // 11 + 4 + 5 scenarios, six measures each.
      expect(rows).toHaveLength(20 * 6);
      for (const r of rows) expect(Number.isFinite(r.value) && r.value >= 0).toBe(true);
      const table = formatSuiteTable(rows, 100);
      expect(table).toContain('[B3.3] 20√N clients concurrently set String in Map (docSize)');
    },
    120_000,
  );

  it('bench:crdt --json prints one object per library and row (with --doc-memory, a heapPerDoc row more); unknown flags exit 2', async () => {
    const { stdout } = await run(process.execPath, [
      bin,
      '--libs',
      'accord,yjs',
      '--n',
      '100',
      '--only',
      'B1.1,B3.1',
      '--doc-memory',
      '20',
      '--json',
    ]);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2 * 2 * 7);
    const heap = lines.filter((l) => l.measure === 'heapPerDoc');
    expect(heap.map((l) => [l.lib, l.benchmark])).toEqual([
      ['accord', '[B1.1] Append N characters'],
      ['accord', '[B3.1] 20√N clients concurrently set number in Map'],
      ['yjs', '[B1.1] Append N characters'],
      ['yjs', '[B3.1] 20√N clients concurrently set number in Map'],
    ]);
    for (const l of heap) expect(l.value as number).toBeGreaterThan(0);
    expect(new Set(lines.map((l) => l.lib))).toEqual(new Set(['accord', 'yjs']));
    for (const l of lines) {
      expect(l).toMatchObject({ n: 100 });
      expect(typeof l.value).toBe('number');
      expect(l.id).toBe(`${l.benchmark} (${l.measure})`);
    }
    await expect(run(process.execPath, [bin, '--bogus'])).rejects.toMatchObject({ code: 2 });
    await expect(run(process.execPath, [bin, '--libs', 'nope'])).rejects.toMatchObject({ code: 2 });
  }, 120_000);
});
