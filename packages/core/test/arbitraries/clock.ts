/**
 * Shared fast-check arbitraries for core's clocks: replica ids, dots, vector clocks, causal
 * contexts and HLC timestamps. Small replica pools make collisions (the interesting case) common.
 */
import { CausalContext, type Dot, type ReplicaId, type Timestamp, VectorClock } from '@accord/core/crdts';
import fc from 'fast-check';

/** A few replica ids, including 0 and large 53-bit ones, so clocks overlap often. */
export const replicaIdArb: fc.Arbitrary<ReplicaId> = fc.constantFrom(
  0,
  1,
  2,
  7,
  1000,
  2 ** 40 + 3,
  2 ** 53 - 1,
);

/** Any valid replica id. */
export const anyReplicaIdArb: fc.Arbitrary<ReplicaId> = fc.nat({ max: Number.MAX_SAFE_INTEGER });

/** A dot with a small counter from the shared replica pool. */
export const dotArb: fc.Arbitrary<Dot> = fc.record({
  replica: replicaIdArb,
  counter: fc.integer({ min: 1, max: 12 }),
});

/** A vector clock over the shared replica pool. */
export const vectorClockArb: fc.Arbitrary<VectorClock> = fc
  .array(fc.tuple(replicaIdArb, fc.nat({ max: 20 })), { maxLength: 6 })
  .map((entries) => new VectorClock(entries));

/** A causal context built from random dots (so it has gaps and a non-empty cloud often). */
export const causalContextArb: fc.Arbitrary<CausalContext> = fc
  .array(dotArb, { maxLength: 25 })
  .map((dots) => {
    const ctx = new CausalContext();
    for (const d of dots) ctx.add(d);
    return ctx;
  });

/** An HLC timestamp with small fields so ties on wall and logical are common. */
export const timestampArb: fc.Arbitrary<Timestamp> = fc.record({
  wall: fc.nat({ max: 5 }),
  logical: fc.nat({ max: 3 }),
  replica: replicaIdArb,
});
