import {
  AccordError,
  compareDots,
  createDot,
  DecodeError,
  decodeDot,
  dotKey,
  dotsEqual,
  encodeDot,
  isReplicaId,
  randomReplicaId,
} from '@accord/core/crdts';
import { Decoder, Encoder } from '@accord/core/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anyReplicaIdArb } from '../arbitraries/index.js';

describe('dots and replica ids', () => {
  it('randomReplicaId gives distinct positive 53-bit safe integers', () => {
    const ids = new Set<number>();
    let high = 0;
    for (let i = 0; i < 1000; i++) {
      const id = randomReplicaId();
      expect(Number.isSafeInteger(id) && id >= 1).toBe(true);
      expect(isReplicaId(id)).toBe(true);
      if (id > 2 ** 32) high++;
      ids.add(id);
    }
    expect(ids.size).toBe(1000);
    expect(high).toBeGreaterThan(900); // uses the upper 21 bits, not just 32
  });

  it('createDot validates; dotKey, dotsEqual and compareDots agree', () => {
    expect(() => createDot(1, 0)).toThrow(AccordError);
    expect(() => createDot(-1, 1)).toThrow(AccordError);
    expect(() => createDot(1, 2 ** 53)).toThrow(AccordError);
    fc.assert(
      fc.property(
        anyReplicaIdArb,
        fc.integer({ min: 1 }),
        anyReplicaIdArb,
        fc.integer({ min: 1 }),
        (r1, c1, r2, c2) => {
          const a = createDot(r1, c1);
          const b = createDot(r2, c2);
          expect(dotsEqual(a, b)).toBe(dotKey(a) === dotKey(b));
          expect(compareDots(a, b) === 0).toBe(dotsEqual(a, b));
          expect(Math.sign(compareDots(a, b)) + Math.sign(compareDots(b, a))).toBe(0);
        },
      ),
    );
  });

  it('dot codec round-trips and rejects a zero counter', () => {
    fc.assert(
      fc.property(anyReplicaIdArb, fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (r, c) => {
        const enc = new Encoder();
        encodeDot(enc, { replica: r, counter: c });
        expect(decodeDot(new Decoder(enc.toBytes()))).toEqual({ replica: r, counter: c });
      }),
    );
    expect(() => decodeDot(new Decoder(new Uint8Array([5, 0])))).toThrow(DecodeError);
    expect(() => decodeDot(new Decoder(new Uint8Array([5])))).toThrow(DecodeError);
  });
});
