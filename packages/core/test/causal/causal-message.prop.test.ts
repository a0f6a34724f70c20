import {
  type CausalMessage,
  DecodeError,
  decodeCausalMessage,
  encodeCausalMessage,
} from '@accord/core/crdts';
import { type Decoder, decodeWith, Encoder } from '@accord/core/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { historyStepsArb, playHistory } from '../arbitraries/index.js';

const messagesArb = historyStepsArb(3, 20).map((s) => playHistory(s, 3));

function toBytes(m: CausalMessage<number>): Uint8Array {
  const enc = new Encoder();
  encodeCausalMessage(enc, m, (e, p) => e.writeVarUint(p));
  return enc.toBytes();
}
const fromBytes = (b: Uint8Array) =>
  decodeWith(b, (d: Decoder) => decodeCausalMessage(d, (dd) => dd.readVarUint()));

describe('causal message codec', () => {
  it('round-trips', () => {
    fc.assert(
      fc.property(messagesArb, (messages) => {
        for (const m of messages) {
          const back = fromBytes(toBytes(m));
          expect(back.dot).toEqual(m.dot);
          expect(back.deps.equals(m.deps)).toBe(true);
          expect(back.payload).toBe(m.payload);
        }
      }),
    );
  });

  it('rejects random and mutated bytes only with DecodeError', () => {
    const mutated = fc
      .tuple(
        messagesArb.filter((ms) => ms.length > 0),
        fc.nat(),
        fc.nat(),
        fc.nat({ max: 255 }),
      )
      .map(([ms, k, i, v]) => {
        const b = toBytes(ms[k % ms.length] as CausalMessage<number>);
        b[i % b.length] = v;
        return b;
      });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 40 }), mutated), (bytes) => {
        try {
          const m = fromBytes(bytes);
          expect(m.deps.get(m.dot.replica)).toBeLessThan(m.dot.counter);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('rejects a message that depends on itself', () => {
    const enc = new Encoder();
    enc.writeVarUint(1); // replica
    enc.writeVarUint(2); // counter
    enc.writeVarUint(1); // one dep entry
    enc.writeVarUint(1);
    enc.writeVarUint(2); // depends on (1, 2) itself
    enc.writeVarUint(0); // payload
    expect(() => fromBytes(enc.toBytes())).toThrowError(expect.objectContaining({ code: 'invalid' }));
  });
});
