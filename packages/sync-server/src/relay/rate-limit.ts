/**
 * A token bucket: `capacity` tokens, refilled continuously at `perSecond`. One per connection
 * for frames and one for bytes. Time comes from an injectable clock so tests do not sleep.
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
