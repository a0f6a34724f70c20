/**
 * Reconnect delays: capped exponential backoff with full jitter (AWS architecture blog,
 * "Exponential Backoff And Jitter"): the n-th retry waits a uniformly random time in
 * `[0, min(maxDelayMs, initialDelayMs * multiplier^n))`. Full jitter spreads a crowd of clients
 * that lost the same node over the whole window, so they do not stampede the survivors in lockstep.
 */

/** Tuning for the reconnect backoff. Every field has a safe default. */
export interface BackoffOptions {
  /** Upper bound of the first retry's window, in ms. Default 100. */
  readonly initialDelayMs?: number | undefined;
  /** Cap on every window, in ms. Default 10 000. */
  readonly maxDelayMs?: number | undefined;
  /** Growth of the window per failed attempt. Default 2. */
  readonly multiplier?: number | undefined;
  /** Source of uniform randomness in `[0, 1)`; inject a seeded one in tests. Default `Math.random`. */
  readonly random?: (() => number) | undefined;
}

/** The defaults the reconnect backoff fills in for missing options. */
export const DEFAULT_BACKOFF: {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly multiplier: number;
} = Object.freeze({
  initialDelayMs: 100,
  maxDelayMs: 10_000,
  multiplier: 2,
});

/**
 * The jitter window for attempt `attempt` (0-based): `min(max, initial * multiplier^attempt)`.
 * Pure; never overflows (large attempts saturate at `maxDelayMs`).
 * @throws RangeError when an option is negative, not finite, or `multiplier < 1`.
 */
export function backoffWindow(attempt: number, options: BackoffOptions = {}): number {
  const initial = options.initialDelayMs ?? DEFAULT_BACKOFF.initialDelayMs;
  const max = options.maxDelayMs ?? DEFAULT_BACKOFF.maxDelayMs;
  const multiplier = options.multiplier ?? DEFAULT_BACKOFF.multiplier;
  validate(initial, max, multiplier);
  if (!Number.isInteger(attempt) || attempt < 0)
    throw new RangeError(`attempt must be a natural number, got ${attempt}`);
  const window = initial === 0 ? 0 : initial * multiplier ** attempt;
  return Number.isFinite(window) ? Math.min(max, window) : max;
}

/**
 * Full-jitter delay for attempt `attempt`: uniform in `[0, backoffWindow(attempt))`, rounded down to
 * whole milliseconds. Pure given `random`.
 * @throws RangeError on invalid options (see {@link backoffWindow}).
 */
export function fullJitterDelay(attempt: number, options: BackoffOptions = {}): number {
  const random = options.random ?? Math.random;
  const r = random();
  const clamped = r >= 0 && r < 1 ? r : 0;
  return Math.floor(clamped * backoffWindow(attempt, options));
}

function validate(initial: number, max: number, multiplier: number): void {
  for (const [name, v] of [
    ['initialDelayMs', initial],
    ['maxDelayMs', max],
    ['multiplier', multiplier],
  ] as const) {
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`${name} must be a finite number >= 0, got ${v}`);
  }
  if (multiplier < 1) throw new RangeError(`multiplier must be >= 1, got ${multiplier}`);
}

/**
 * Stateful backoff: counts consecutive failures and hands out the next delay. Reset it once a
 * connection has proven healthy. Not shared between connections; no timers of its own.
 */
export class Backoff {
  private readonly options: BackoffOptions;
  private failures = 0;

  /** @throws RangeError on invalid options. */
  constructor(options: BackoffOptions = {}) {
    backoffWindow(0, options);
    this.options = options;
  }

  /** Consecutive failures recorded since the last {@link reset}. */
  get attempt(): number {
    return this.failures;
  }

  /** The delay before the next try, and count this failure. */
  next(): number {
    const delay = fullJitterDelay(this.failures, this.options);
    this.failures++;
    return delay;
  }

  /** Forget past failures: the next delay is drawn from the first window again. */
  reset(): void {
    this.failures = 0;
  }
}
