/**
 * The hostile-pending bench at tiny sizes: its result has every field, the attack really fills
 * the document's held set up to its limits (count or bytes), and the command line prints one
 * JSON object and refuses unknown flags with exit code 2. No timing is asserted.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatHostileTable, runHostileBench } from '../../src/hostile/run-hostile-bench.js';

const run = promisify(execFile);
const pkgDir = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(pkgDir, 'dist/bin/bench-hostile.js');

beforeAll(async () => {
  if (!existsSync(cli)) await run('npx', ['tsc', '-b'], { cwd: pkgDir });
}, 120_000);

const numberFields = [
  'chars',
  'updates',
  'beforeMedianUs',
  'beforeP99Us',
  'afterMedianUs',
  'afterP99Us',
  'medianRatio',
  'pendingStructs',
  'pendingBytes',
  'pendingDeletes',
  'maxPending',
  'maxPendingBytes',
  'attackFrames',
  'attackBytes',
  'attackMs',
] as const;

describe('bench:hostile', () => {
  it('fills the held set up to maxPending and reports every field', () => {
    const r = runHostileBench({ source: { chars: 800 }, updates: 20, warmup: 5, maxPending: 300 });
    for (const k of numberFields) {
      expect(Number.isFinite(r[k]), k).toBe(true);
      expect(r[k], k).toBeGreaterThanOrEqual(0);
    }
    expect(r).toMatchObject({
      lib: 'accord',
      doc: 'generated',
      chars: 800,
      updates: 20,
      ok: true,
      full: true,
    });
    expect(r.pendingStructs).toBe(300);
    expect(r.pendingDeletes).toBe(300);
    expect(r.pendingBytes).toBeGreaterThan(0);
    expect(formatHostileTable(r)).toContain('after the attack');
  });

  it('fills the held set up to maxPendingBytes when bytes bind first', () => {
    const r = runHostileBench({
      source: { chars: 200 },
      updates: 5,
      warmup: 1,
      maxPending: 5000,
      maxPendingBytes: 20_000,
    });
    expect(r.full).toBe(true);
    expect(r.pendingStructs).toBeGreaterThan(0);
    expect(r.pendingStructs).toBeLessThan(5000);
    expect(r.pendingBytes).toBeLessThanOrEqual(20_000);
    expect(r.pendingDeletes).toBe(5000);
  });

  it('the command prints one JSON object, and refuses an unknown flag with exit code 2', async () => {
    const args = ['--chars', '300', '--updates', '10', '--warmup', '2', '--max-pending', '50', '--json'];
    const { stdout } = await run(process.execPath, [cli, ...args]);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ lib: 'accord', pendingStructs: 50, full: true });
    const bad = await run(process.execPath, [cli, '--bogus']).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(bad?.code).toBe(2);
    expect(bad?.stderr.trim().split('\n')).toEqual(['bench:hostile: unknown flag --bogus (see --help)']);
  }, 60_000);
});
