/**
 * The op-based and state-based form of each type reach the same value on the same history: every
 * replica performs the same local updates in both forms, and a sync "r learns what q knows" is a
 * state merge in one form and delivery of q's delivered ops (shuffled, with duplicates) in the other.
 */
import {
  type CausalMessage,
  LWWRegister,
  MVRegister,
  OpCounter,
  type OpCrdt,
  OpLWWRegister,
  OpMVRegister,
  type OpOf,
  OpORSet,
  OpReplica,
  ORSet,
  PNCounter,
  type ReplicaId,
  stringCodec,
} from '@accord/core/crdts';
import { SeededRandom } from '@accord/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { counterActionArb, registerActionArb, setActionArb } from '../arbitraries/index.js';
import { REPLICA_IDS } from './harness.js';

type Step<A> =
  | { kind: 'update'; replica: number; action: A }
  | { kind: 'sync'; replica: number; from: number };

function historyArb<A>(action: fc.Arbitrary<A>) {
  return fc.integer({ min: 3, max: 4 }).chain((n) => {
    const r = fc.nat({ max: n - 1 });
    const step: fc.Arbitrary<Step<A>> = fc.oneof(
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('update' as const), replica: r, action }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('sync' as const), replica: r, from: r }) },
    );
    return fc.record({ n: fc.constant(n), seed: fc.integer(), steps: fc.array(step, { maxLength: 40 }) });
  });
}

interface StateLike<S> {
  merge(other: S): void;
  value(): unknown;
}

/**
 * Play `steps` on both forms and check after every step, and after a final all-to-all sync,
 * that each replica's op-based value equals its state-based value.
 */
function playBoth<C extends OpCrdt<unknown, unknown>, S extends StateLike<S>, A>(
  h: { n: number; seed: number; steps: Step<A>[] },
  make: {
    op: (id: ReplicaId, i: number) => C;
    state: (id: ReplicaId, i: number) => S;
    opUpdate: (c: C, a: A) => OpOf<C>;
    stateUpdate: (s: S, a: A) => void;
    before?: (step: Step<A>) => void;
  },
): void {
  const rng = new SeededRandom(h.seed);
  const ops = Array.from({ length: h.n }, (_, i) => new OpReplica(make.op(REPLICA_IDS[i] as ReplicaId, i)));
  const states = Array.from({ length: h.n }, (_, i) => make.state(REPLICA_IDS[i] as ReplicaId, i));
  const log: CausalMessage<OpOf<C>>[] = [];
  const sync = (to: number, from: number) => {
    const src = ops[from] as OpReplica<C>;
    const known = log.filter((m) => src.hasDelivered(m.dot));
    const schedule = rng.shuffle([...known, ...known.filter(() => rng.chance(0.3))]);
    for (const m of schedule) (ops[to] as OpReplica<C>).receive(m);
    (states[to] as S).merge(states[from] as S);
  };
  const check = () => {
    for (let i = 0; i < h.n; i++)
      expect((ops[i] as OpReplica<C>).crdt.value()).toEqual((states[i] as S).value());
  };
  for (const step of h.steps) {
    make.before?.(step);
    if (step.kind === 'update') {
      const rep = ops[step.replica] as OpReplica<C>;
      log.push(rep.apply(make.opUpdate(rep.crdt, step.action)));
      make.stateUpdate(states[step.replica] as S, step.action);
    } else if (step.replica !== step.from) {
      sync(step.replica, step.from);
    }
    check();
  }
  for (let i = 0; i < h.n; i++) for (let j = 0; j < h.n; j++) if (i !== j) sync(i, j);
  for (let i = 0; i < h.n; i++) for (let j = 0; j < h.n; j++) if (i !== j) sync(i, j);
  check();
  const first = (ops[0] as OpReplica<C>).crdt.value();
  for (const r of ops) expect(r.crdt.value()).toEqual(first);
}

describe('op-based and state-based forms agree on the same history', () => {
  it('OpCounter ≡ PNCounter', () => {
    fc.assert(
      fc.property(historyArb(counterActionArb), (h) =>
        playBoth(h, {
          op: (id) => new OpCounter(id),
          state: (id) => new PNCounter(id),
          opUpdate: (c, a) => c.prepareAdd(a),
          stateUpdate: (s, a) => s.increment(a),
        }),
      ),
      { numRuns: 80 },
    );
  });

  it('OpORSet ≡ ORSet', () => {
    fc.assert(
      fc.property(historyArb(setActionArb), (h) =>
        playBoth(h, {
          op: (id) => new OpORSet(id, stringCodec),
          state: (id) => new ORSet(id, stringCodec),
          opUpdate: (c, a) => (a.kind === 'add' ? c.prepareAdd(a.value) : c.prepareRemove(a.value)),
          stateUpdate: (s, a) => {
            if (a.kind === 'add') s.add(a.value);
            else s.remove(a.value);
          },
        }),
      ),
      { numRuns: 80 },
    );
  });

  it('OpMVRegister ≡ MVRegister', () => {
    fc.assert(
      fc.property(historyArb(registerActionArb), (h) =>
        playBoth(h, {
          op: (id) => new OpMVRegister(id, stringCodec),
          state: (id) => new MVRegister(id, stringCodec),
          opUpdate: (c, a) => c.prepareSet(a.value),
          stateUpdate: (s, a) => s.set(a.value),
        }),
      ),
      { numRuns: 80 },
    );
  });

  it('OpLWWRegister ≡ LWWRegister (same skewed wall clocks)', () => {
    fc.assert(
      fc.property(historyArb(registerActionArb), (h) => {
        let time = 5_000_000;
        const skew = [0, 0, 0, 0];
        // Replica 2's wall clock lags an hour; every write may jump its replica's clock back.
        const now = (i: number) => () => time + (skew[i] ?? 0) - (i === 2 ? 3_600_000 : 0);
        playBoth(h, {
          op: (id, i) => new OpLWWRegister(id, stringCodec, { now: now(i) }),
          state: (id, i) => new LWWRegister(id, stringCodec, { now: now(i) }),
          opUpdate: (c, a) => c.prepareSet(a.value),
          stateUpdate: (s, a) => s.set(a.value),
          before: (step) => {
            time += 3;
            if (step.kind === 'update') skew[step.replica] = step.action.skew;
          },
        });
      }),
      { numRuns: 80 },
    );
  });
});
