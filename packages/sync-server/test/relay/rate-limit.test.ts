import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/relay/rate-limit.js';

describe('TokenBucket', () => {
  it('allows a burst, then refills at its rate, never above capacity', () => {
    let now = 0;
    const b = new TokenBucket(5, 10, () => now);
    for (let i = 0; i < 5; i++) expect(b.take()).toBe(true);
    expect(b.take()).toBe(false);
    now = 100; // 10/s for 100 ms: one token
    expect(b.take()).toBe(true);
    expect(b.take()).toBe(false);
    now = 10_000; // long idle: back to capacity, not more
    for (let i = 0; i < 5; i++) expect(b.take()).toBe(true);
    expect(b.take()).toBe(false);
  });

  it('takes nothing when short, and a zero rate disables the limit', () => {
    let now = 0;
    const b = new TokenBucket(10, 10, () => now);
    expect(b.take(8)).toBe(true);
    expect(b.take(3)).toBe(false);
    expect(b.take(2)).toBe(true);
    now = 50;
    expect(b.take(1, 50)).toBe(false);
    const open = new TokenBucket(1, 0, () => now);
    for (let i = 0; i < 1000; i++) expect(open.take(1_000_000)).toBe(true);
  });
});
