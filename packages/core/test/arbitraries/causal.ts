/**
 * Arbitraries for causal delivery: random causal histories (messages with dots and dependency
 * clocks produced by a simulated group) and random delivery schedules over them.
 */
import { type CausalMessage, VectorClock } from '@accord/core/crdts';
import fc from 'fast-check';

/** One step of a simulated group: a replica emits a message, or learns another replica's state. */
export type HistoryStep = { kind: 'emit'; replica: number } | { kind: 'sync'; replica: number; from: number };

/** Steps over `replicas` replicas (ids 0..replicas-1). */
export function historyStepsArb(replicas: number, maxLength = 40): fc.Arbitrary<HistoryStep[]> {
  const r = fc.nat({ max: replicas - 1 });
  return fc.array(
    fc.oneof(
      fc.record({ kind: fc.constant('emit' as const), replica: r }),
      fc.record({ kind: fc.constant('sync' as const), replica: r, from: r }),
    ),
    { maxLength },
  );
}

/**
 * Play the steps and return every emitted message, in emission order. Each message depends on
 * everything its replica had seen (its own earlier messages and whatever it synced).
 * The payload is the emission index.
 */
export function playHistory(steps: readonly HistoryStep[], replicas: number): CausalMessage<number>[] {
  const seen = Array.from({ length: replicas }, () => new VectorClock());
  const out: CausalMessage<number>[] = [];
  for (const s of steps) {
    const mine = seen[s.replica] as VectorClock;
    if (s.kind === 'emit') {
      const deps = mine.clone();
      const dot = mine.increment(s.replica);
      out.push({ dot, deps, payload: out.length });
    } else {
      mine.merge(seen[s.from] as VectorClock);
    }
  }
  return out;
}

/**
 * A causal history plus a delivery schedule: every message at least once, some several times,
 * in a random order.
 */
export const historyWithScheduleArb = (
  replicas = 4,
): fc.Arbitrary<{ messages: CausalMessage<number>[]; schedule: number[] }> =>
  historyStepsArb(replicas)
    .map((steps) => playHistory(steps, replicas))
    .chain((messages) => {
      const n = messages.length;
      const dups = n === 0 ? fc.constant<number[]>([]) : fc.array(fc.nat({ max: n - 1 }), { maxLength: n });
      return dups
        .chain((d) => {
          const all = [...messages.keys(), ...d];
          return fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length });
        })
        .map((schedule) => ({ messages, schedule }));
    });
