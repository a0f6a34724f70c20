/**
 * Seeded randomness: the other source of nondeterminism the cluster injects (besides time), so a
 * simulation or chaos schedule replays exactly from its seed.
 */

/** A function returning uniformly distributed numbers in [0, 1). */
export type RandomSource = () => number;

/**
 * A small, fast seeded generator (mulberry32). The same `seed` always yields the same sequence.
 * Not cryptographically secure; used for timeouts, simulations and fault schedules only.
 */
export function seededRandom(seed: number): RandomSource {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
