/**
 * Seeded randomness: the other source of nondeterminism the cluster injects (besides time), so a
 * simulation or chaos schedule replays exactly from its seed. The generator is core's one PRNG.
 */
import { SeededRandom } from '@accord/core/testing';

/** A function returning uniformly distributed numbers in [0, 1). */
export type RandomSource = () => number;

/**
 * A seeded source (core's mulberry32 {@link SeededRandom}): the same `seed` always yields the
 * same sequence. Not cryptographically secure; used for timeouts, simulations and fault schedules.
 */
export function seededRandom(seed: number): RandomSource {
  const r = new SeededRandom(seed);
  return () => r.next();
}
