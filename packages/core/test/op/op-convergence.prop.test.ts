import {
  type CausalMessage,
  compareTimestamps,
  OpCounter,
  type OpCounterOp,
  OpLWWRegister,
  type OpLWWSet,
  OpMVRegister,
  type OpMVSet,
  OpORSet,
  type OpORSetOp,
  stringCodec,
} from '@accord/core/crdts';
import type { NetworkOptions } from '@accord/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { counterActionArb, registerActionArb, setActionArb, simulationArb } from '../arbitraries/index.js';
import { happenedBefore, simulate } from './harness.js';

/** Unreliable networks the replicas must converge through. */
const networks: Record<string, NetworkOptions & { partition?: boolean }> = {
  'a partition that heals (repaired by anti-entropy), duplicates and delays': {
    duplicateRate: 0.2,
    maxDelay: 4,
    partition: true,
  },
  'duplicates, delays and reordering': { duplicateRate: 0.3, maxDelay: 6 },
  'drops (repaired by anti-entropy), duplicates and delays': {
    dropRate: 0.25,
    duplicateRate: 0.2,
    maxDelay: 4,
  },
};

/** The add-wins model: x is present iff some add(x) is not causally before a remove(x). */
function orSetModel(log: CausalMessage<OpORSetOp<string>>[]): string[] {
  const out = new Set<string>();
  for (const a of log) {
    if (a.payload.kind !== 'add') continue;
    const x = a.payload.value;
    const cancelled = log.some(
      (r) => r.payload.kind === 'remove' && r.payload.value === x && happenedBefore(a, r),
    );
    if (!cancelled) out.add(x);
  }
  return [...out].sort();
}

/** The MV model: the values of the writes no other write causally follows. */
function mvModel(log: CausalMessage<OpMVSet<string>>[]): string[] {
  const out = new Set<string>();
  for (const w of log) if (!log.some((v) => v !== w && happenedBefore(w, v))) out.add(w.payload.value);
  return [...out].sort();
}

describe.each(Object.entries(networks))('op-based CRDTs converge over a network with %s', (_, network) => {
  it('OpCounter: all replicas equal the sum of all ops', () => {
    fc.assert(
      fc.property(simulationArb(counterActionArb), ({ replicas, seed, script }) => {
        const { replicas: reps, log } = simulate({
          count: replicas,
          seed,
          network,
          partition: network.partition ?? false,
          script,
          make: (id) => new OpCounter(id),
          act: (c, amount): OpCounterOp => c.prepareAdd(amount),
        });
        const sum = log.reduce((s, m) => s + m.payload.amount, 0);
        for (const r of reps) {
          expect(r.crdt.value()).toBe(sum);
          expect(r.pendingCount).toBe(0);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('OpORSet: all replicas equal the add-wins model', () => {
    fc.assert(
      fc.property(simulationArb(setActionArb), ({ replicas, seed, script }) => {
        const { replicas: reps, log } = simulate({
          count: replicas,
          seed,
          network,
          partition: network.partition ?? false,
          script,
          make: (id) => new OpORSet(id, stringCodec),
          act: (s, a): OpORSetOp<string> =>
            a.kind === 'add' ? s.prepareAdd(a.value) : s.prepareRemove(a.value),
        });
        const model = orSetModel(log);
        for (const r of reps) expect(r.crdt.value()).toEqual(model);
      }),
      { numRuns: 60 },
    );
  });

  it('OpMVRegister: all replicas hold exactly the concurrent latest values', () => {
    fc.assert(
      fc.property(simulationArb(registerActionArb), ({ replicas, seed, script }) => {
        const { replicas: reps, log } = simulate({
          count: replicas,
          seed,
          network,
          partition: network.partition ?? false,
          script,
          make: (id) => new OpMVRegister(id, stringCodec),
          act: (r, a): OpMVSet<string> => r.prepareSet(a.value),
        });
        const model = mvModel(log);
        for (const r of reps) expect(r.crdt.value()).toEqual(model);
      }),
      { numRuns: 60 },
    );
  });

  it('OpLWWRegister: all replicas keep the greatest timestamp, and causally later writes win despite lagging clocks', () => {
    fc.assert(
      fc.property(simulationArb(registerActionArb), ({ replicas, seed, script }) => {
        let time = 1_000_000;
        const skew = [0, 0, 0, 0, 0];
        const { replicas: reps, log } = simulate({
          count: replicas,
          seed,
          network,
          partition: network.partition ?? false,
          script,
          // Replica 1's wall clock runs an hour behind; each write may add its own skew.
          make: (id, i) =>
            new OpLWWRegister(id, stringCodec, {
              now: () => time + (skew[i] ?? 0) - (i === 1 ? 3_600_000 : 0),
            }),
          act: (r, a): OpLWWSet<string> => r.prepareSet(a.value),
          beforeAction: (item) => {
            time += 7;
            skew[item.replica] = item.action.skew;
          },
        });
        for (const a of log)
          for (const b of log)
            if (happenedBefore(a, b)) expect(compareTimestamps(a.payload.ts, b.payload.ts)).toBeLessThan(0);
        const winner = log.reduce<CausalMessage<OpLWWSet<string>> | undefined>(
          (best, m) => (!best || compareTimestamps(m.payload.ts, best.payload.ts) > 0 ? m : best),
          undefined,
        );
        for (const r of reps) {
          expect(r.crdt.value()).toBe(winner?.payload.value);
          expect(r.crdt.timestamp).toEqual(winner?.payload.ts);
        }
      }),
      { numRuns: 60 },
    );
  });
});
