/**
 * `pnpm bench:witness --json` at a tiny size: 2 full nodes + 1 witness as real processes; at the
 * end the witness stores no document bytes while the full nodes store the documents.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBenchBuilt } from '../support/built.js';

const run = promisify(execFile);
let MAIN = '';

beforeAll(() => {
  MAIN = ensureBenchBuilt('bin/bench-witness.js');
}, 120_000);

describe('bench:witness', () => {
  it('--json: the witness ends holding nothing, the full nodes hold the documents', async () => {
    const { stdout } = await run(process.execPath, [MAIN, '--docs', '2', '--updates', '20', '--json']);
    const o = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
    expect(o).toMatchObject({ docs: 2, updates: 80, witnessStoredBytes: 0, witnessHeldBytesAfter: 0 });
    expect(o.witnessPeakHeldBytes as number).toBeGreaterThan(0);
    for (const b of o.fullStoredBytes as number[]) expect(b).toBeGreaterThan(0);
  }, 120_000);

  it('refuses an unknown flag with exit code 2 and one line', async () => {
    const err = await run(process.execPath, [MAIN, '--no-such-flag']).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(2);
    expect(err?.stderr.trim().split('\n')).toHaveLength(1);
  });
});
