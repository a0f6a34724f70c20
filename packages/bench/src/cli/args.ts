/**
 * Small helpers shared by the bench command lines: integer and list flags with clear errors.
 */

/** Thrown when a command-line flag has a value the bench cannot use. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Parses a positive integer flag; returns `fallback` when the flag is absent.
 * @throws UsageError when the value is not a positive integer.
 */
export function intFlag(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new UsageError(`--${name} expects a positive integer, got "${value}"`);
  return n;
}

/**
 * Parses a comma-separated list flag and checks every entry against `allowed`.
 * @throws UsageError on an unknown entry.
 */
export function listFlag<T extends string>(
  name: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: readonly T[],
): T[] {
  if (value === undefined) return [...fallback];
  const out: T[] = [];
  for (const raw of value.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    const found = allowed.find((a) => a === item);
    if (found === undefined)
      throw new UsageError(`--${name}: unknown "${item}" (one of ${allowed.join(', ')})`);
    if (!out.includes(found)) out.push(found);
  }
  return out;
}

/** Runs a command-line `main`, printing usage errors without a stack and setting the exit code. */
export function runMain(main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      // node:util parseArgs refuses unknown flags and missing values with ERR_PARSE_ARGS_* codes.
      const code = (err as { code?: unknown } | null)?.code;
      if (err instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_'))) {
        process.stderr.write(`${(err as Error).message.split('\n')[0]}\n`);
        process.exitCode = 2;
      } else {
        process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        process.exitCode = 1;
      }
    },
  );
}
