/**
 * Numbers split over a lead byte and tail bytes (`encoding/split-varint.ts`): every safe integer
 * round-trips through its one form, and any other bytes are refused with a `DecodeError`.
 */
import { DecodeError } from '@accord/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decoder } from '../../src/encoding/decoder.js';
import { Encoder } from '../../src/encoding/encoder.js';
import {
  readSplitInt,
  readSplitUint,
  writeSplitInt,
  writeSplitUint,
} from '../../src/encoding/split-varint.js';

const MAX = Number.MAX_SAFE_INTEGER;

/** Sizes around every boundary of the format, and any safe integer. */
const magnitude = fc
  .oneof(
    fc.integer({ min: 0, max: 300 }),
    fc.integer({ min: 0, max: 56 }).chain((b) => fc.integer({ min: -3, max: 3 }).map((d) => 2 ** b + d)),
    fc.maxSafeNat(),
    fc.constant(MAX),
  )
  .filter((m) => m >= 0 && m <= MAX);

/** Lead and tail bytes of `values`, each written by `write`. */
function split(values: readonly number[], write: typeof writeSplitInt): [Uint8Array, Uint8Array] {
  const lead = new Encoder(8);
  const tail = new Encoder(8);
  for (const v of values) write(lead, tail, v);
  return [lead.toBytes(), tail.toBytes()];
}

describe('split numbers', () => {
  it('every safe integer round-trips, the lead one byte, the tail as short as it can be', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(magnitude, fc.boolean()), { maxLength: 20 }), (xs) => {
        const unsigned = xs.map(([m]) => m);
        const signed = xs.map(([m, neg]) => (neg && m > 0 ? -m : m));
        for (const [values, write, read, bits] of [
          [unsigned, writeSplitUint, readSplitUint, 7],
          [signed, writeSplitInt, readSplitInt, 6],
        ] as const) {
          const [lead, tail] = split(values, write);
          expect(lead.length).toBe(values.length);
          const dl = new Decoder(lead);
          const dt = new Decoder(tail);
          for (const v of values) expect(read(dl, dt)).toBe(v);
          dl.expectEnd();
          dt.expectEnd();
          // Tail bytes: none below 2^bits, else the fewest that hold the bits above the lead's.
          let want = 0;
          for (const v of values) {
            const m = Math.abs(v);
            let width = 0;
            while (2 ** width <= m) width++;
            if (m >= 2 ** bits) want += Math.ceil((width - (bits - 3)) / 8);
          }
          expect(tail.length).toBe(want);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('refuses longer forms, negative zero, tails cut short and magnitudes above 2^53 - 1', () => {
    const refuse = (lead: number[], tail: number[], signed: boolean): void => {
      const read = signed ? readSplitInt : readSplitUint;
      expect(() => read(new Decoder(new Uint8Array(lead)), new Decoder(new Uint8Array(tail)))).toThrow(
        DecodeError,
      );
    };
    refuse([0x80], [0x7f], false); // 127 in two bytes
    refuse([0x90], [0x0f, 0xff], false); // 4095 with two tail bytes
    refuse([0x80], [0x3f], true); // 63 in two bytes
    refuse([0x88], [0x07, 0xff], true); // 2047 with two tail bytes
    refuse([0x40], [], true); // -0
    refuse([0x81], [], false); // tail cut short
    refuse([0xa1], [0x00], false); // three tail bytes announced, one there
    refuse([0xf0], [0, 0, 0, 0, 0, 0, 0, 0], false); // eight tail bytes
    refuse([0xb8], [0, 0, 0, 0, 0, 0, 0, 0], true); // eight tail bytes
    refuse([0xe0 | 2], [0, 0, 0, 0, 0, 0, 0], false); // 2^57
    refuse([0xb0 | 1], [0, 0, 0, 0, 0, 0, 0], true); // 2^56
    refuse([], [], false);
  });
});
