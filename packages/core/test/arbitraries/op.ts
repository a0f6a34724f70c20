/**
 * Arbitraries for op-based CRDT simulations: replica counts, network settings, and scripts of
 * random local actions interleaved with scheduler steps.
 */
import fc from 'fast-check';

/** One script item: replica `replica` performs `action`, then the network takes `steps` steps. */
export interface ScriptItem<A> {
  replica: number;
  action: A;
  steps: number;
}

/** A script of up to `maxLength` items for `replicas` replicas. */
export function scriptArb<A>(
  replicas: number,
  action: fc.Arbitrary<A>,
  maxLength = 30,
): fc.Arbitrary<ScriptItem<A>[]> {
  return fc.array(fc.record({ replica: fc.nat({ max: replicas - 1 }), action, steps: fc.nat({ max: 4 }) }), {
    maxLength,
  });
}

/** 3 to 5 replicas, a network seed, and a script over them. */
export function simulationArb<A>(
  action: fc.Arbitrary<A>,
  maxLength = 30,
): fc.Arbitrary<{ replicas: number; seed: number; script: ScriptItem<A>[] }> {
  return fc.integer({ min: 3, max: 5 }).chain((replicas) =>
    fc.record({
      replicas: fc.constant(replicas),
      seed: fc.integer(),
      script: scriptArb(replicas, action, maxLength),
    }),
  );
}

/** Counter actions: a signed amount. */
export const counterActionArb: fc.Arbitrary<number> = fc.integer({ min: -50, max: 50 });

/** Set actions over a small alphabet so adds and removes of one element collide often. */
export const setActionArb: fc.Arbitrary<{ kind: 'add' | 'remove'; value: string }> = fc.record({
  kind: fc.constantFrom('add' as const, 'remove' as const),
  value: fc.constantFrom('a', 'b', 'c'),
});

/**
 * Register actions: a value and a wall-clock skew for this write (some replicas lag far behind or
 * jump backwards).
 */
export const registerActionArb: fc.Arbitrary<{ value: string; skew: number }> = fc.record({
  value: fc.constantFrom('x', 'y', 'z', 'w'),
  skew: fc.oneof(fc.constant(0), fc.integer({ min: -100_000, max: 5 })),
});
