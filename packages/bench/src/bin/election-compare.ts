/**
 * `pnpm election:compare [--trials 200] [--seed 11] [--json]`: bully, candidates, invitation and
 * ring in the deterministic election simulator at N = 3, 5 and 7: the leader is killed in many
 * seeded trials (failover time, messages per election, split-vote rate, leaders per term), and a
 * partition that cuts the leader off with a minority heals (time to one leader again, whether the
 * minority ever led). Prints a Markdown table, or with `--json` one object per algorithm and size.
 * Exit 1 if any term had two leaders or a minority led; 2 on a bad flag.
 */
import { parseArgs } from 'node:util';
import { intFlag, runMain } from '../cli/args.js';
import { COMPARE_SIZES, compareElections, markdownTable } from '../election/compare.js';

const usage = 'usage: election:compare [--trials 200] [--seed 11] [--json]';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      trials: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean', default: false },
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
  if (values.json) for (const r of rows) process.stdout.write(`${JSON.stringify(r)}\n`);
  else {
    process.stdout.write(`${markdownTable(rows)}\n\n`);
    process.stdout.write(
      `(pnpm election:compare --trials ${trials} --seed ${seed}; virtual time, simulated network 0.2–5 ms)\n`,
    );
  }
  return rows.every((r) => r.leadersPerTermMax <= 1 && !r.minorityEverLed) ? 0 : 1;
}

runMain(main);
