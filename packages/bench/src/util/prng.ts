/** Seeded randomness for generated workloads and fuzz runs, so every run can be replayed: core's one PRNG. */
import { SeededRandom } from '@accord/core/testing';

/** A seeded random source. */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

/** A generator from a 32-bit seed (core's mulberry32 {@link SeededRandom}). */
export function createRng(seed: number): Rng {
  const r = new SeededRandom(seed);
  const next = (): number => r.next();
  return { next, int: (n) => Math.floor(next() * n) };
}
