import {
  DecodeError,
  OpCounter,
  type OpCrdt,
  OpLWWRegister,
  OpMVRegister,
  OpORSet,
  OpReplica,
  opFromBytes,
  opToBytes,
  stringCodec,
  VectorClock,
} from '@accord/core/crdts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dotArb, replicaIdArb, timestampArb } from '../arbitraries/index.js';

const valueArb = fc.string({ maxLength: 8 });

interface Case {
  name: string;
  crdt: () => OpCrdt<unknown, unknown>;
  op: fc.Arbitrary<unknown>;
}

const cases: Case[] = [
  { name: 'OpCounter', crdt: () => new OpCounter(1), op: fc.maxSafeInteger().map((amount) => ({ amount })) },
  {
    name: 'OpORSet',
    crdt: () => new OpORSet(1, stringCodec),
    op: fc.oneof(
      fc.record({ kind: fc.constant('add'), value: valueArb, dot: dotArb }),
      fc.record({ kind: fc.constant('remove'), value: valueArb, dots: fc.array(dotArb, { maxLength: 5 }) }),
    ),
  },
  {
    name: 'OpLWWRegister',
    crdt: () => new OpLWWRegister(1, stringCodec),
    op: fc.record({ ts: timestampArb, value: valueArb }),
  },
  {
    name: 'OpMVRegister',
    crdt: () => new OpMVRegister(1, stringCodec),
    op: fc
      .record({
        entries: fc.array(fc.tuple(replicaIdArb, fc.integer({ min: 1, max: 30 })), {
          minLength: 1,
          maxLength: 4,
        }),
        value: valueArb,
      })
      .map(({ entries, value }) => ({ clock: new VectorClock(entries), value })),
  },
];

/** Ops compared through their canonical bytes (vector clocks are objects). */
const canon = (c: OpCrdt<unknown, unknown>, op: unknown) => opToBytes(c as OpCrdt<unknown, unknown>, op);

describe.each(cases)('$name op codec', ({ crdt, op }) => {
  it('round-trips random ops', () => {
    const c = crdt();
    fc.assert(
      fc.property(op, (o) => {
        const bytes = opToBytes(c, o);
        const back = opFromBytes(c, bytes);
        expect(canon(c, back)).toEqual(bytes);
      }),
    );
  });

  it('decodes random and mutated bytes only to an op or a DecodeError', () => {
    const c = crdt();
    const mutated = fc
      .tuple(op, fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { minLength: 1, maxLength: 3 }), fc.nat())
      .map(([o, muts, cut]) => {
        const b = opToBytes(c, o);
        for (const [i, v] of muts) b[i % b.length] = v;
        return cut % 4 === 0 ? b.subarray(0, cut % (b.length + 1)) : b;
      });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 40 }), mutated), (bytes) => {
        let decoded: unknown;
        try {
          decoded = opFromBytes(c, bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
          return;
        }
        // Whatever decodes re-encodes and decodes to the same op.
        const again = canon(c, decoded);
        expect(canon(c, opFromBytes(c, again))).toEqual(again);
      }),
      { numRuns: 400 },
    );
  });
});

describe('OpReplica message codec', () => {
  it('garbage bytes are a typed error and leave the replica unchanged', () => {
    const a = new OpReplica(new OpORSet(1, stringCodec));
    const b = new OpReplica(new OpORSet(2, stringCodec));
    const good = a.encode(a.apply(a.crdt.prepareAdd('k')));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 30 }), fc.nat(), fc.nat({ max: 255 }), (noise, i, v) => {
        const mutated = good.slice();
        mutated[i % mutated.length] = v;
        for (const bytes of [noise, mutated]) {
          const before = { value: b.crdt.value(), delivered: b.delivered, pending: b.pendingCount };
          try {
            b.receiveBytes(bytes);
          } catch (e) {
            // Malformed bytes: DecodeError. Well-formed but impossible (a second message with a
            // held dot): a typed replica-collision. Never anything else, and nothing changes.
            if (!(e instanceof DecodeError))
              expect(e).toMatchObject({ name: 'AccordError', code: 'replica-collision' });
            expect(b.crdt.value()).toEqual(before.value);
            expect(b.delivered.equals(before.delivered)).toBe(true);
            expect(b.pendingCount).toBe(before.pending);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('rejects another type’s op by tag', () => {
    const counter = new OpCounter(1);
    const set = new OpORSet(1, stringCodec);
    const bytes = opToBytes(counter, { amount: 3 });
    expect(() => opFromBytes(set, bytes)).toThrowError(expect.objectContaining({ code: 'bad-tag' }));
  });
});
