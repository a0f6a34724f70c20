import {
  AccordError,
  DecodeError,
  OpCounter,
  type OpCrdt,
  OpLWWRegister,
  OpMVRegister,
  type OpOf,
  OpORSet,
  OpReplica,
  type ReplicaId,
  stringCodec,
} from '@accord/core/crdts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { counterActionArb, registerActionArb, setActionArb, simulationArb } from '../arbitraries/index.js';
import { simulate } from './harness.js';

interface Kind<C extends OpCrdt<unknown, unknown>, A> {
  name: string;
  make: (id: ReplicaId) => C;
  act: (c: C, a: A) => OpOf<C>;
  action: fc.Arbitrary<A>;
}

function kind<C extends OpCrdt<unknown, unknown>, A>(k: Kind<C, A>): Kind<OpCrdt<unknown, unknown>, unknown> {
  return k as unknown as Kind<OpCrdt<unknown, unknown>, unknown>;
}

const kinds = [
  kind({
    name: 'OpCounter',
    make: (id) => new OpCounter(id),
    act: (c, a: number) => c.prepareAdd(a),
    action: counterActionArb,
  }),
  kind({
    name: 'OpORSet',
    make: (id) => new OpORSet(id, stringCodec),
    act: (c, a: { kind: 'add' | 'remove'; value: string }) =>
      a.kind === 'add' ? c.prepareAdd(a.value) : c.prepareRemove(a.value),
    action: setActionArb,
  }),
  kind({
    name: 'OpLWWRegister',
    make: (id) => new OpLWWRegister(id, stringCodec, { now: () => 1_000 }),
    act: (c, a: { value: string }) => c.prepareSet(a.value),
    action: registerActionArb,
  }),
  kind({
    name: 'OpMVRegister',
    make: (id) => new OpMVRegister(id, stringCodec),
    act: (c, a: { value: string }) => c.prepareSet(a.value),
    action: registerActionArb,
  }),
];

const network = { duplicateRate: 0.2, maxDelay: 3 };

describe.each(kinds)('$name snapshots', ({ make, act, action }) => {
  it('restore gives the same value, clock and canonical bytes, and the replica keeps converging', () => {
    fc.assert(
      fc.property(simulationArb(action, 20), action, action, ({ replicas, seed, script }, a1, a2) => {
        const { replicas: reps } = simulate({ count: replicas, seed, network, script, make, act });
        const [r0, r1] = reps as [OpReplica<OpCrdt<unknown, unknown>>, OpReplica<OpCrdt<unknown, unknown>>];
        for (const r of reps) {
          const snap = r.snapshot();
          const back = OpReplica.restore(make(r.replica), snap);
          expect(back.crdt.value()).toEqual(r.crdt.value());
          expect(back.delivered.equals(r.delivered)).toBe(true);
          expect(back.snapshot()).toEqual(snap);
        }
        // The restored replica takes part like the original: new ops flow both ways.
        const restored = OpReplica.restore(make(r0.replica), r0.snapshot());
        const m1 = r1.apply(act(r1.crdt, a1));
        expect(restored.receive(m1)).toBe(1);
        r0.receive(m1);
        expect(restored.crdt.value()).toEqual(r0.crdt.value());
        const m2 = restored.apply(act(restored.crdt, a2));
        r1.receive(m2);
        expect(r1.crdt.value()).toEqual(restored.crdt.value());
        // Re-delivering anything the snapshot covers changes nothing.
        expect(restored.receive(m1)).toBe(0);
      }),
      { numRuns: 40 },
    );
  });

  it('random and mutated snapshot bytes give only DecodeError and leave the target unchanged', () => {
    fc.assert(
      fc.property(
        simulationArb(action, 10),
        fc.uint8Array({ maxLength: 40 }),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { minLength: 1, maxLength: 3 }),
        fc.nat(),
        ({ replicas, seed, script }, noise, muts, cut) => {
          const { replicas: reps } = simulate({ count: replicas, seed, network, script, make, act });
          const source = reps[0] as OpReplica<OpCrdt<unknown, unknown>>;
          const good = source.snapshot();
          const mutated = good.slice();
          for (const [i, v] of muts) mutated[i % mutated.length] = v;
          const truncated = good.subarray(0, cut % good.length);
          const target = reps[1] as OpReplica<OpCrdt<unknown, unknown>>;
          for (const bytes of [noise, mutated, truncated]) {
            const before = target.snapshot();
            try {
              const back = OpReplica.restore(target.crdt, bytes);
              // Decodable mutations are valid states that round-trip.
              expect(OpReplica.restore(make(back.replica), back.snapshot()).snapshot()).toEqual(
                back.snapshot(),
              );
              OpReplica.restore(target.crdt, before); // put the target back
            } catch (e) {
              expect(e).toBeInstanceOf(DecodeError);
              expect(target.snapshot()).toEqual(before);
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('OpReplica history after a restore', () => {
  it('refuses to serve ops older than its retained history', () => {
    const a = new OpReplica(new OpCounter(1));
    a.apply(a.crdt.prepareAdd(4));
    const restored = OpReplica.restore(new OpCounter(1), a.snapshot(), { retainHistory: true });
    const m = restored.apply(restored.crdt.prepareAdd(1));
    const peerBehind = new OpReplica(new OpCounter(2));
    expect(() => restored.messagesSince(peerBehind.delivered)).toThrowError(
      expect.objectContaining({ code: 'out-of-range' }),
    );
    const peerSynced = OpReplica.restore(new OpCounter(2), a.snapshot());
    expect(restored.messagesSince(peerSynced.delivered)).toEqual([m]);
    expect(() => new OpReplica(new OpCounter(3)).messagesSince(peerSynced.delivered)).toThrow(AccordError);
  });
});
