/**
 * `pnpm fuzz [--frames 10000] [--seed S] [--target applyUpdate,relay] [--json]`: hostile bytes
 * into Accord's `applyUpdate` and into a live relay. One result per target; exit code 1 on any
 * crash or corruption.
 */
import { parseArgs } from 'node:util';
import { intFlag, listFlag, runMain, UsageError } from '../cli/args.js';
import { type FuzzResult, runFuzz } from '../fuzz/run-fuzz.js';
import { type FuzzTargetName, fuzzTargetNames, loadFuzzTarget } from '../fuzz/targets/index.js';

const usage = `usage: fuzz [--frames 10000] [--seed S] [--target ${fuzzTargetNames.join(',')}] [--json]`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      frames: { type: 'string' },
      seed: { type: 'string' },
      target: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const frames = intFlag('frames', values.frames, 10_000);
  const seed = values.seed === undefined ? (Math.random() * 2 ** 31) >>> 0 : Number(values.seed);
  if (!Number.isSafeInteger(seed)) throw new UsageError(`--seed expects an integer, got "${values.seed}"`);
  const targets = listFlag<FuzzTargetName>('target', values.target, fuzzTargetNames, fuzzTargetNames);
  let failed = false;
  for (const name of targets) {
    let result: FuzzResult | { target: string; seed: number; error: string };
    try {
      const target = await loadFuzzTarget(name);
      try {
        result = await runFuzz(target, frames, seed);
      } finally {
        await target.close?.();
      }
      if (result.crashes > 0 || result.corruptions > 0) failed = true;
    } catch (err) {
      failed = true;
      result = { target: name, seed, error: err instanceof Error ? err.message : String(err) };
    }
    if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else if ('error' in result) process.stdout.write(`${name}: not run: ${result.error} (seed ${seed})\n`);
    else {
      const r = result;
      process.stdout.write(
        `${r.target}: ${r.frames} frames (seed ${r.seed}): ${r.crashes} crashes, ${r.corruptions} corruptions, ` +
          `${r.accepted} accepted, ${r.rejected} rejected, slowest frame ${r.maxFrameMs.toFixed(1)} ms, ` +
          `max event-loop delay ${r.maxEventLoopDelayMs.toFixed(1)} ms` +
          (r.targetEventLoopDelayMaxMs !== null
            ? `, relay event-loop delay max ${r.targetEventLoopDelayMaxMs.toFixed(1)} ms`
            : '') +
          '\n',
      );
      for (const f of r.failures) process.stdout.write(`  ${f}\n`);
    }
  }
  return failed ? 1 : 0;
}

runMain(main);
