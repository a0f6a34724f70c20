/**
 * `pnpm chaos --witness`, short: the schedules on 2 full nodes + 1 witness (node 3), the same
 * checkers, the JSON echoing `witnesses: 1`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBenchBuilt } from '../support/built.js';
import { runNode } from '../support/run-node.js';

let MAIN = '';

beforeAll(() => {
  MAIN = ensureBenchBuilt('chaos/main.js');
}, 120_000);

const runChaos = (args: string[]) => runNode(MAIN, args);

describe('pnpm chaos --witness (short run)', () => {
  it('2 full + 1 witness: nothing acknowledged lost, one leader per term, converged', async () => {
    const { code, stdout, stderr } = await runChaos([
      '--witness',
      '--schedules',
      '2',
      '--seed',
      '44',
      '--json',
    ]);
    const summary = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
    expect(summary, stderr).toMatchObject({
      schedules: 2,
      nodes: 3,
      witnesses: 1,
      lost: 0,
      maxLeadersPerTerm: 1,
      snapshotOrderViolations: 0,
      converged: true,
      failedSeeds: [],
    });
    expect(summary.acked as number).toBeGreaterThan(100);
    expect(code).toBe(0);
  }, 300_000);

  it('refuses --witness without a full node to spare', async () => {
    const { code, stderr } = await runChaos(['--witness', '--nodes', '1', '--schedules', '1']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--witness needs --nodes 2 or more/);
  });
});
