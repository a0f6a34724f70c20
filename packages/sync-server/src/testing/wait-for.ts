/**
 * The one polling wait of Accord's tests: wait for a condition on real processes, sockets or
 * browsers, bounded in time, with a timeout error that says what was awaited and what was last
 * seen. Code under test on an injected `Scheduler` needs no waiting: drive it with
 * `ManualScheduler` (`@accord/core/testing`) in virtual time instead.
 */
import { inspect } from 'node:util';

/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this many milliseconds (default 10 000). */
  readonly timeoutMs?: number;
  /** Milliseconds between two checks (default 20). */
  readonly intervalMs?: number;
}

/** Thrown by {@link waitFor} when its condition did not hold in time. */
export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';

  /**
   * @param description what was awaited.
   * @param timeoutMs the bound that was exceeded.
   * @param last the predicate's last result, or the error its last call threw.
   */
  constructor(
    readonly description: string,
    readonly timeoutMs: number,
    readonly last: unknown,
  ) {
    super(`timed out after ${timeoutMs} ms waiting for ${description} (last: ${describe(last)})`);
  }
}

/** What one check gave: a value, or the error it threw; `timeout` when it outlived the deadline. */
type Outcome<T> = { readonly value: T } | { readonly error: unknown } | 'timeout';

/** Run one check, giving up on it after `ms` (it may still finish, unobserved). */
async function check<T>(predicate: () => T | Promise<T>, ms: number): Promise<Outcome<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      Promise.resolve()
        .then(predicate)
        .then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        ),
      new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Call `predicate` every `intervalMs` until it returns (or resolves to) a truthy value, and
 * return that value. A call that throws or rejects counts as "not yet"; its error is kept as the
 * last value. Bounded in time: once `timeoutMs` have passed, even while a call is still pending,
 * it rejects with a {@link WaitTimeoutError} naming `description` and the last value seen. The
 * last check runs at the deadline, so a condition that became true just then still counts.
 * @example
 * ```ts
 * const leader = await waitFor('a leader on node 2', async () => (await health(2)).leaderId, {
 *   timeoutMs: 15_000,
 * });
 * ```
 */
export async function waitFor<T>(
  description: string,
  predicate: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 20;
  if (!(timeoutMs >= 0) || !(intervalMs >= 0)) {
    throw new RangeError(`waitFor: timeoutMs ${timeoutMs} and intervalMs ${intervalMs} must be >= 0`);
  }
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const outcome = await check(predicate, Math.max(0, deadline - Date.now()));
    if (outcome === 'timeout') throw new WaitTimeoutError(description, timeoutMs, last);
    if ('error' in outcome) last = outcome.error;
    else if (outcome.value) return outcome.value as NonNullable<T>;
    else last = outcome.value;
    const left = deadline - Date.now();
    if (left <= 0) throw new WaitTimeoutError(description, timeoutMs, last);
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, left)));
  }
}

function describe(value: unknown): string {
  const text =
    value instanceof Error
      ? `${value.name}: ${value.message}`
      : inspect(value, { depth: 4, breakLength: Number.POSITIVE_INFINITY });
  return text.length > 1000 ? `${text.slice(0, 1000)}…` : text;
}
