/**
 * The command lines' JSON output carries the contract fields (DESIGN.md): `bench:relay`,
 * `bench:admission`, `bench:codemirror`, `bench:blocks` and `fuzz`, run as built JS at tiny sizes (`bench:trace`
 * has its own test).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dist = fileURLToPath(new URL('../../dist/bin/', import.meta.url));

function lines(stdout: string): Record<string, unknown>[] {
  return stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('command-line JSON', () => {
  it('bench:relay --json: one object per server with the contract fields', async () => {
    const { stdout } = await run(process.execPath, [
      `${dist}bench-relay.js`,
      ...['--vs', 'hocuspocus', '--clients', '6', '--docs', '2', '--rate', '60', '--seconds', '1', '--json'],
    ]);
    const out = lines(stdout);
    expect(out.map((o) => o.lib)).toEqual(['accord', 'hocuspocus']);
    for (const o of out) {
      for (const k of ['clients', 'docs', 'updatesPerSec', 'deliveriesPerSec', 'ackP50Ms', 'ackP99Ms']) {
        expect(typeof o[k], `${o.lib} ${k}`).toBe('number');
      }
      for (const k of ['fanoutP50Ms', 'fanoutP99Ms', 'rssMB', 'cpuPercent'])
        expect(typeof o[k], `${o.lib} ${k}`).toBe('number');
      expect(o).toMatchObject({ clients: 6, docs: 2, lost: 0 });
    }
  }, 60_000);

  it('bench:blocks --json: every step timed on a small block document, the replicas equal', async () => {
    const { stdout } = await run(process.execPath, [
      `${dist}bench-blocks.js`,
      ...['--blocks', '40', '--ops', '5', '--json'],
    ]);
    const [o] = lines(stdout);
    expect(o).toMatchObject({ blocks: 40, ok: true });
    for (const k of [
      'typeMs',
      'backspaceMs',
      'enterMs',
      'joinMs',
      'setBlockMs',
      'boldMs',
      'paste20Ms',
      'remoteKeystrokeMs',
    ])
      expect(typeof o?.[k], k).toBe('number');
  }, 60_000);

  it('fuzz --json: one object per target with frames, crashes, corruptions', async () => {
    const { stdout } = await run(process.execPath, [
      `${dist}fuzz.js`,
      '--frames',
      '60',
      '--seed',
      '9',
      '--json',
    ]);
    const out = lines(stdout);
    expect(out.map((o) => o.target)).toEqual(['applyUpdate', 'relay', 'peer']);
    for (const o of out) expect(o).toMatchObject({ frames: 60, crashes: 0, corruptions: 0, seed: 9 });
  }, 60_000);

  it('bench:rejoin --json: two nodes with stored documents catch up, loading only the differing ones', async () => {
    const { stdout } = await run(process.execPath, [
      `${dist}bench-rejoin.js`,
      '--docs',
      '200',
      '--differ',
      '2',
      '--json',
    ]);
    const [o] = lines(stdout);
    expect(o).toMatchObject({ docs: 200, differ: 2, finished: true, roomsLoaded: 4 });
    for (const k of ['catchUpMs', 'rssBeforeMB', 'rssPeakMB', 'healthzMaxMs'])
      expect(typeof o?.[k], k).toBe('number');
  }, 60_000);

  it('bench:codemirror --json: one object per library, in Chromium, every view equal to its text', async () => {
    const { stdout } = await run(process.execPath, [
      `${dist}bench-codemirror.js`,
      ...['--size', '3000', '--keystrokes', '40', '--warmup', '5', '--pace', 'burst', '--json'],
    ]);
    const out = lines(stdout);
    expect(out.map((o) => o.lib)).toEqual(['accord', 'yjs', 'codemirror']);
    for (const o of out) {
      expect(o).toMatchObject({
        chars: 3000,
        keystrokes: 40,
        pace: 'burst',
        ok: true,
        crossOriginIsolated: true,
      });
      for (const k of [
        'localP50Ms',
        'localP99Ms',
        'localCrdtP99Ms',
        'remoteP50Ms',
        'remoteP99Ms',
        'remoteBindingP99Ms',
      ])
        expect(typeof o[k], `${o.lib} ${k}`).toBe('number');
    }
  }, 120_000);

  it('bench:idb --json: a trace prefix stored in Chromium, loaded before and after compaction', async () => {
    const { stdout } = await run(process.execPath, [
      `${dist}bench-idb.js`,
      '--txns',
      '300',
      '--runs',
      '1',
      '--chunk',
      '50',
      '--json',
    ]);
    const [o] = lines(stdout);
    expect(o).toMatchObject({
      lib: 'accord',
      trace: 'automerge-paper',
      txns: 300,
      recordsBefore: 300,
      recordsAfter: 1,
      ok: true,
    });
    for (const k of [
      'loadBeforeMs',
      'compactMs',
      'loadMs',
      'coldLoadMs',
      'storeBytesBefore',
      'storeBytesAfter',
    ])
      expect(typeof o?.[k], k).toBe('number');
  }, 120_000);

  it('refuses an unknown flag with exit code 2 and one line', async () => {
    for (const bin of [
      'fuzz.js',
      'bench-rejoin.js',
      'bench-relay.js',
      'bench-codemirror.js',
      'bench-idb.js',
    ]) {
      const err = await run(process.execPath, [`${dist}${bin}`, '--no-such-flag']).then(
        () => null,
        (e: { code: number; stderr: string }) => e,
      );
      expect(err?.code, bin).toBe(2);
      expect(err?.stderr.trim().split('\n'), bin).toHaveLength(1);
    }
  }, 30_000);

  it('bench:admission --json: a baseline and an attack phase with the honest clients’ figures', async () => {
    const { stdout } = await run(process.execPath, [
      `${dist}bench-admission.js`,
      ...[
        '--attackers',
        '40',
        '--attack',
        'hold',
        '--clients',
        '2',
        '--rate',
        '20',
        '--seconds',
        '2',
        '--json',
      ],
    ]);
    const out = lines(stdout);
    expect(out.map((o) => o.phase)).toEqual(['baseline', 'attack-hold']);
    for (const o of out) {
      for (const k of ['ackP50Ms', 'ackP99Ms', 'connects', 'relayCpuPercent'])
        expect(typeof o[k], k).toBe('number');
      expect(o).toMatchObject({ scenario: 'admission', connectFailures: 0, ok: true });
    }
    expect(out[1]).toMatchObject({ attackers: 40, heldAtStart: 40 });
  }, 60_000);

  it('bench:admission refuses an unknown flag with exit code 2 and a one-line message', async () => {
    const failed = await run(process.execPath, [`${dist}bench-admission.js`, '--bogus']).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr.trim().split('\n')).toEqual(["bench:admission: Unknown option '--bogus'"]);
  });
});
