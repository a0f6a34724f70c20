/**
 * Rate limits: token buckets (`capacity` tokens, refilled continuously at `perSecond`), paired
 * into a frame-and-byte {@link FrameBudget}. Every connection has its own budget; connections
 * from one address share one (so many connections cannot multiply the per-connection rate), and
 * so do the sessions of one token, with {@link SharedBudgets} keeping one budget per key for as
 * long as a connection uses it. Time comes from an injectable clock so tests do not sleep.
 */

/** Token bucket rate limiter. `perSecond <= 0` disables it (every `take` succeeds). */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = capacity;
    this.last = now();
  }

  /** Take `n` tokens if available at time `t`; `false` (and nothing taken) when the bucket is short. */
  take(n = 1, t = this.now()): boolean {
    if (this.perSecond <= 0) return true;
    this.tokens = Math.min(this.capacity, this.tokens + ((t - this.last) / 1000) * this.perSecond);
    this.last = t;
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }
}

/** A frame and byte rate (`framesPerSecond <= 0` disables the frame limit, likewise bytes). */
export interface RateLimits {
  readonly framesPerSecond: number;
  readonly frameBurst: number;
  readonly bytesPerSecond: number;
  readonly byteBurst: number;
}

/** Whose budget a frame is charged to (and the `scope` label of the rate-limit metric). */
export type BudgetScope = 'connection' | 'address' | 'token';

/** Whether `rates` limits anything at all. */
export function limitsAnything(rates: RateLimits): boolean {
  return rates.framesPerSecond > 0 || rates.bytesPerSecond > 0;
}

/** One frame bucket and one byte bucket, charged together. */
export class FrameBudget {
  private readonly frames: TokenBucket;
  private readonly bytes: TokenBucket;

  constructor(
    readonly scope: BudgetScope,
    rates: RateLimits,
    now: () => number,
  ) {
    this.frames = new TokenBucket(rates.frameBurst, rates.framesPerSecond, now);
    this.bytes = new TokenBucket(rates.byteBurst, rates.bytesPerSecond, now);
  }

  /**
   * Charge one frame of `size` bytes at time `t`. `false` when either bucket is short (the frame
   * bucket may then have been charged: the caller closes the connection anyway).
   */
  take(size: number, t: number): boolean {
    return this.frames.take(1, t) && this.bytes.take(size, t);
  }
}

/**
 * Budgets shared by key (an address, a token): {@link acquire} hands out the key's budget,
 * creating it on first use; {@link release} forgets it once no connection holds it, so the map
 * never holds more keys than there are open connections. Single-threaded.
 */
export class SharedBudgets {
  private readonly byKey = new Map<string, { budget: FrameBudget; holders: number }>();

  constructor(
    private readonly scope: BudgetScope,
    private readonly rates: RateLimits,
    private readonly now: () => number,
  ) {}

  /** Whether these budgets limit anything (with all rates 0 there is nothing to share). */
  get enabled(): boolean {
    return limitsAnything(this.rates);
  }

  /** Keys currently held. */
  get size(): number {
    return this.byKey.size;
  }

  /** The budget of `key`; every call must be matched by one {@link release}. */
  acquire(key: string): FrameBudget {
    let held = this.byKey.get(key);
    if (held === undefined) {
      held = { budget: new FrameBudget(this.scope, this.rates, this.now), holders: 0 };
      this.byKey.set(key, held);
    }
    held.holders++;
    return held.budget;
  }

  /** Give back one hold on `key`'s budget. Releasing an unknown key does nothing. */
  release(key: string): void {
    const held = this.byKey.get(key);
    if (held === undefined) return;
    if (--held.holders <= 0) this.byKey.delete(key);
  }
}
