/**
 * V8 settings of the `accord-relay` process (`main.ts` applies them before it starts anything,
 * so they hold before any of the relay's code is optimized). A library user who embeds
 * `startRelayNode` keeps the settings of their own process.
 *
 * **A smaller inlining budget** (`--max-inlined-bytecode-size-cumulative`, V8's default 920
 * bytecodes per optimized function). A relay compiles about 280 functions with TurboFan during
 * its first seconds of load; with the default budget its message dispatchers, which inline a
 * whole write path, took 40-100 ms per compile and some were compiled two or three times (each
 * message type or branch first met after a compile deoptimizes them). On a machine whose cores
 * the relays, their commit threads and the clients share, those compiles took the CPU the first
 * second of writes needed. With 200, three nodes on two cores sustained 9,766 updates/s in two
 * searches against 7,032 and 7,423 with the default (`packages/bench/README.md`, session 48).
 */
import { setFlagsFromString } from 'node:v8';

/** The flags the relay process runs with, each `--name=value`. */
export const RELAY_V8_FLAGS: readonly string[] = ['--max-inlined-bytecode-size-cumulative=200'];

/**
 * Apply each of `flags` unless the process was started with a value of its own for it (a
 * `node --max-inlined-bytecode-size-cumulative=920 …` command line wins). Returns the flags
 * applied.
 */
export function applyRelayV8Flags(
  flags: readonly string[] = RELAY_V8_FLAGS,
  execArgv: readonly string[] = process.execArgv,
): string[] {
  const given = new Set(execArgv.map(flagName));
  const applied: string[] = [];
  for (const flag of flags) {
    if (given.has(flagName(flag))) continue;
    setFlagsFromString(flag);
    applied.push(flag);
  }
  return applied;
}

/** A flag's name without its value, dashes as underscores (V8 takes both spellings). */
function flagName(arg: string): string {
  return (arg.split('=', 1)[0] as string).replace(/-/g, '_');
}
