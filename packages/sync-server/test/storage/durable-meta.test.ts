/**
 * Votes, terms, snapshot promises (`setMeta`) and snapshot numbers stored with their version
 * (`putVersion` with metadata, on the store's connection or the commit worker's) are fsynced
 * whatever `--sync` says: `normal` governs update commits (and unnumbered versions) only. Shown by counting the real fsync/fdatasync calls of a child
 * process that runs the built store (a tiny LD_PRELOAD shim, compiled here with the system's C
 * compiler, which the build of better-sqlite3 needs anyway).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../support/ensure-built.js';
import { removeTempDirs, tempDir } from '../support/tmp.js';

const here = dirname(fileURLToPath(import.meta.url));
const STORE = join(here, '..', '..', 'dist', 'storage', 'sqlite-store.js');
const WORKER = join(here, '..', '..', 'dist', 'storage', 'worker-committer.js');

afterAll(removeTempDirs);

/** Build the shim; fails the test with the compiler's message when no C compiler is present. */
function buildShim(dir: string): string {
  const out = join(dir, 'fsync-counter.so');
  execFileSync(
    'cc',
    ['-shared', '-fPIC', '-O2', '-o', out, join(here, '..', 'support', 'fsync-counter', 'count.c'), '-ldl'],
    {
      stdio: 'pipe',
    },
  );
  return out;
}

/**
 * Fsyncs counted during each step of a child that opens a store in `mode`, appends, sets meta,
 * then keeps a version with the metadata that numbers it.
 */
function syncsPerStep(shim: string, mode: 'full' | 'normal'): Record<string, number> {
  const dir = tempDir();
  const log = join(dir, 'fsync.log');
  const script = `
    import { appendFileSync } from 'node:fs';
    import { SqliteStore } from ${JSON.stringify(pathToFileURL(STORE).href)};
    const mark = (m) => appendFileSync(${JSON.stringify(log)}, 'step ' + m + '\\n');
    const s = SqliteStore.open({ dir: ${JSON.stringify(join(dir, 'data'))}, nodeId: 1, sync: ${JSON.stringify(mode)} });
    mark('open');
    s.append([{ docId: 'd', update: new Uint8Array([1, 2, 3]) }]);
    mark('append');
    s.setMeta('cluster.election', JSON.stringify({ term: 7, votedFor: 2 }));
    mark('vote');
    s.putVersion('d', { term: 1, seq: 1, at: 1, stateVector: new Uint8Array([0]), data: new Uint8Array([1]) }, 0, {
      key: 'cluster.snapshot:d',
      value: JSON.stringify({ term: 1, seq: 1 }),
    });
    mark('numbered');
    // The same writes through the commit worker (a single node keeps its versions there).
    const { WorkerCommitter } = await import(${JSON.stringify(pathToFileURL(WORKER).href)});
    const wc = new WorkerCommitter(s.path, ${JSON.stringify(mode)});
    await wc.append('d', new Uint8Array([4, 5, 6]));
    mark('worker append');
    await wc.putVersion('d', { term: 1, seq: 2, at: 2, stateVector: new Uint8Array([0]), data: new Uint8Array([2]) }, 0);
    mark('worker version');
    await wc.putVersion('d', { term: 1, seq: 3, at: 3, stateVector: new Uint8Array([0]), data: new Uint8Array([3]) }, 0, {
      key: 'cluster.snapshot:d',
      value: JSON.stringify({ term: 1, seq: 3 }),
    });
    mark('worker numbered');
    await wc.close();
    s.close();
  `;
  execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, LD_PRELOAD: shim, FSYNC_LOG: log },
    stdio: 'pipe',
  });
  const counts: Record<string, number> = {};
  let n = 0;
  for (const line of readFileSync(log, 'utf8').split('\n')) {
    if (line === 'sync') n++;
    else if (line.startsWith('step ')) {
      counts[line.slice(5)] = n;
      n = 0;
    }
  }
  return counts;
}

describe('durability of election and snapshot metadata', () => {
  it('fsyncs a vote even under --sync normal, where an update commit is not fsynced', () => {
    ensureBuilt();
    const shim = buildShim(tempDir());
    const normal = syncsPerStep(shim, 'normal');
    expect(normal.append).toBe(0); // the shim sees syncs: an update commit under normal has none...
    expect(normal.vote).toBeGreaterThanOrEqual(1); // ...and a vote has one all the same
    expect(normal.numbered).toBeGreaterThanOrEqual(1); // so has a snapshot number with its version
    // The commit worker likewise: a version without a number follows the mode, a numbered one not.
    expect(normal['worker append']).toBe(0);
    expect(normal['worker version']).toBe(0);
    expect(normal['worker numbered']).toBeGreaterThanOrEqual(1);
    const full = syncsPerStep(shim, 'full');
    expect(full.append).toBeGreaterThanOrEqual(1);
    expect(full.vote).toBeGreaterThanOrEqual(1);
    expect(full['worker append']).toBeGreaterThanOrEqual(1);
    expect(full['worker version']).toBeGreaterThanOrEqual(1);
    expect(full['worker numbered']).toBeGreaterThanOrEqual(1);
  });
});
