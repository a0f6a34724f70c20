/**
 * `pnpm election:compare [--trials 200] [--seed 11] [--json] [--write-doc]`: bully, candidates, invitation and
 * ring in the deterministic election simulator at N = 3, 5 and 7: the leader is killed in many
 * seeded trials (failover time, messages per election, split-vote rate, leaders per term), and a
 * partition that cuts the leader off with a minority heals (time to one leader again, whether the
 * minority ever led). Prints a Markdown table, or with `--json` one object per algorithm and size;
 * `--write-doc` also puts the table and the command that made it into `docs/election.md` (between
 * its `election:compare` markers). `--real` adds rows measured on real relay processes (N = 3 and 5,
 * `--real-trials` kill -9 of the leader each, through the chaos harness).
 * Exit 1 if any term had two leaders or a minority led; 2 on a bad flag.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { intFlag, runMain, UsageError } from '../cli/args.js';
import { COMPARE_SIZES, compareElections, markdownTable } from '../election/compare.js';
import { compareReal, type RealCompareRow } from '../election/compare-real.js';

/** The real-process rows as a Markdown table. */
function realTable(rows: readonly RealCompareRow[]): string {
  const lines = [
    '| algorithm (real processes, kill -9) | N | trials | failover p50 ms | failover p99 ms | leaders / term max | unrecovered |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    const cells = [
      r.algorithm,
      r.nodes,
      r.trials,
      r.failoverP50Ms,
      r.failoverP99Ms,
      r.leadersPerTermMax,
      r.unrecovered,
    ];
    lines.push(`| ${cells.map((c) => (c === null ? '–' : String(c))).join(' | ')} |`);
  }
  return lines.join('\n');
}

const usage =
  'usage: election:compare [--trials 200] [--seed 11] [--json] [--write-doc] [--real [--real-trials 5]]';

/** The generated part of the doc sits between these two lines. */
const BEGIN = '<!-- election:compare begin (generated: pnpm election:compare --write-doc) -->';
const END = '<!-- election:compare end -->';

/** Replace the generated block of `docs/election.md` with `block`. Throws if the markers are missing. */
function writeDoc(block: string): string {
  const path = fileURLToPath(new URL('../../../../docs/election.md', import.meta.url));
  const doc = readFileSync(path, 'utf8');
  const from = doc.indexOf(BEGIN);
  const to = doc.indexOf(END);
  if (from < 0 || to < from) throw new Error(`${path}: no election:compare markers`);
  writeFileSync(path, `${doc.slice(0, from + BEGIN.length)}\n${block}\n${doc.slice(to)}`);
  return path;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      trials: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean', default: false },
      'write-doc': { type: 'boolean', default: false },
      real: { type: 'boolean', default: false },
      'real-trials': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const trials = intFlag('trials', values.trials, 200);
  const seed = values.seed === '0' ? 0 : intFlag('seed', values.seed, 11);
  const rows = compareElections({ sizes: COMPARE_SIZES, trials, seed });
  const block =
    `${markdownTable(rows)}\n\nMade by \`pnpm election:compare --trials ${trials} --seed ${seed} --write-doc\` ` +
    `(virtual time; simulated network delay 0.2–5 ms; per row ${trials} leader kills and ` +
    `${Math.ceil(trials / 4)} partitions that heal).`;
  if (values.json) for (const r of rows) process.stdout.write(`${JSON.stringify(r)}\n`);
  else process.stdout.write(`${block}\n`);
  if (values['write-doc']) process.stderr.write(`election:compare: wrote ${writeDoc(block)}\n`);
  let safe = rows.every((r) => r.leadersPerTermMax <= 1 && !r.minorityEverLed);
  if (values.real) {
    const realTrials = intFlag('real-trials', values['real-trials'], 5);
    const real = await compareReal(realTrials, seed, (r) => {
      if (values.json) process.stdout.write(`${JSON.stringify(r)}\n`);
    });
    if (!values.json) process.stdout.write(`\n${realTable(real)}\n`);
    safe &&= real.every((r) => r.leadersPerTermMax <= 1 && r.unrecovered === 0);
  } else if (values['real-trials'] !== undefined) throw new UsageError('--real-trials needs --real');
  return safe ? 0 : 1;
}

runMain(main);
