/**
 * A small seeded pseudo-random generator (mulberry32) so that simulated runs are replayable: the
 * same seed always gives the same sequence, on every platform.
 */
import { AccordError } from '../errors.js';

/**
 * Deterministic pseudo-random numbers from a 32-bit seed (mulberry32: fast, 2^32 period, good
 * enough for scheduling tests; not for cryptography). Not shared between threads.
 */
export class SeededRandom {
  private state: number;

  /** @param seed any number; only its low 32 bits matter. */
  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** The next 32-bit unsigned integer. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A float in `[0, 1)`. */
  next(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  /**
   * An integer in `[0, bound)`.
   * @throws {AccordError} `invalid-argument` unless `bound` is a positive safe integer.
   */
  int(bound: number): number {
    if (!Number.isSafeInteger(bound) || bound < 1) {
      throw new AccordError('invalid-argument', `bound must be a positive safe integer, got ${bound}`);
    }
    return Math.floor(this.next() * bound);
  }

  /** True with probability `p` (0 never, 1 always). */
  chance(p: number): boolean {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return this.next() < p;
  }

  /**
   * A uniformly chosen element.
   * @throws {AccordError} `invalid-argument` for an empty array.
   */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** Shuffle `items` in place (Fisher–Yates) and return it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }
}
