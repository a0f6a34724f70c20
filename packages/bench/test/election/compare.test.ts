/**
 * `election:compare`: the comparison rows (contract fields, safety) and the command line (JSON
 * lines, unknown flags exit 2), run as built JS at a tiny size.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { candidatesOf, compareElections, markdownTable } from '../../src/election/compare.js';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../../dist/bin/election-compare.js', import.meta.url));

const FIELDS = [
  'failoverP50Ms',
  'failoverP99Ms',
  'messagesPerElection',
  'splitVoteRate',
  'leadersPerTermMax',
  'healToOneLeaderMs',
] as const;

describe('election comparison', () => {
  it('runs every algorithm at every size: one safe row each, with every contract field', () => {
    const rows = compareElections({ sizes: [3, 5], trials: 8, seed: 3 });
    expect(rows.map((r) => `${r.algorithm}/${r.nodes}`)).toEqual([
      'bully/3',
      'bully/5',
      'candidates/3',
      'candidates/5',
      'invitation/3',
      'invitation/5',
      'ring/3',
      'ring/5',
    ]);
    for (const r of rows) {
      for (const k of FIELDS) expect(typeof r[k], `${r.algorithm}/${r.nodes} ${k}`).toBe('number');
      expect(r.leadersPerTermMax).toBe(1);
      expect(r.minorityEverLed).toBe(false);
      expect(r.failed).toBe(0);
      expect(r.healFailed).toBe(0);
      // a failover takes at least the minimum election timeout (300 ms) counted from the last
      // heartbeat (at most 50 ms before the kill), and some messages
      expect(r.failoverP50Ms).toBeGreaterThanOrEqual(250);
      expect(r.messagesPerElection).toBeGreaterThan(0);
    }
    expect(markdownTable(rows).split('\n')).toHaveLength(2 + rows.length);
  }, 60_000);

  it('is deterministic for a seed', () => {
    const a = compareElections({ sizes: [3], trials: 4, seed: 9, algorithms: ['ring'] });
    const b = compareElections({ sizes: [3], trials: 4, seed: 9, algorithms: ['ring'] });
    expect(a).toEqual(b);
  });

  it('takes the three highest ranks as candidates', () => {
    expect(candidatesOf(3)).toEqual([3, 2, 1]);
    expect(candidatesOf(7)).toEqual([7, 6, 5]);
  });

  it('--json prints one object per algorithm and size; an unknown flag exits 2', async () => {
    const { stdout } = await run(process.execPath, [cli, '--trials', '2', '--seed', '5', '--json']);
    const rows = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toHaveLength(12);
    for (const r of rows) {
      expect(['bully', 'candidates', 'invitation', 'ring']).toContain(r.algorithm);
      expect([3, 5, 7]).toContain(r.nodes);
      for (const k of [...FIELDS, 'minorityEverLed']) expect(r, k).toHaveProperty(k);
    }
    await expect(run(process.execPath, [cli, '--bogus'])).rejects.toMatchObject({ code: 2 });
    await expect(run(process.execPath, [cli, '--trials', 'x'])).rejects.toMatchObject({ code: 2 });
    await expect(run(process.execPath, [cli, '--trials', '1', '--real-trials', '2'])).rejects.toMatchObject({
      code: 2,
    });
  }, 60_000);
});
