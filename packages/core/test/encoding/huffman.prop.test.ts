/**
 * The packed text codec (`encoding/huffman.ts`): every byte string round-trips, packing is
 * deterministic and only used when shorter, codes stay within 12 bits whatever the
 * distribution, and hostile packed bytes are refused with DecodeError (no other error, no
 * allocation beyond 8 output bytes per input byte).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decoder } from '../../src/encoding/decoder.js';
import { packBytes, unpackBytes } from '../../src/encoding/huffman.js';
import { DecodeError } from '../../src/errors.js';

const utf8 = new TextEncoder();

/** Unpack `packed` and check that it was consumed exactly. */
function unpack(packed: Uint8Array): Uint8Array {
  const dec = new Decoder(packed);
  const out = unpackBytes(dec);
  expect(dec.remaining).toBe(0);
  return out;
}

/** Bytes with a skewed distribution, as text has: mostly a few values, some rare ones. */
const skewed = fc
  .array(
    fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 97, max: 106 }) },
      { weight: 1, arbitrary: fc.nat(255) },
    ),
    {
      minLength: 1,
      maxLength: 3000,
    },
  )
  .map((a) => Uint8Array.from(a));

describe('packed text (canonical Huffman)', () => {
  it('round-trips every byte string it packs, and packs only when that is shorter', () => {
    fc.assert(
      fc.property(fc.oneof(skewed, fc.uint8Array({ minLength: 1, maxLength: 2000 })), (bytes) => {
        const packed = packBytes(bytes);
        if (packed === null) return;
        expect(packed.length).toBeLessThan(bytes.length + 3);
        expect(unpack(packed)).toEqual(bytes);
        // One input, one packed form.
        expect(packBytes(bytes.slice())).toEqual(packed);
      }),
      { numRuns: 300 },
    );
  });

  it('packs prose and code to well under their UTF-8 size', () => {
    const prose = utf8.encode(
      'It was the best of times, it was the worst of times, it was the age of wisdom, '.repeat(40),
    );
    const code = utf8.encode('function f(a, b) {\n  return a.map((x) => x * b + 1);\n}\n'.repeat(40));
    const cjk = utf8.encode('漢字かな交じり文と😀の混在テキスト。'.repeat(40));
    for (const bytes of [prose, code, cjk]) {
      const packed = packBytes(bytes) as Uint8Array;
      expect(packed).not.toBeNull();
      expect(packed.length).toBeLessThan(bytes.length * 0.75);
      expect(unpack(packed)).toEqual(bytes);
    }
  });

  it('a single byte value, and uniformly random bytes (not packed: no gain)', () => {
    const same = new Uint8Array(1000).fill(120);
    const packed = packBytes(same) as Uint8Array;
    expect(packed.length).toBeLessThan(1000 / 8 + 40);
    expect(unpack(packed)).toEqual(same);
    const all = new Uint8Array(4096);
    for (let i = 0; i < all.length; i++) all[i] = i & 255;
    expect(packBytes(all)).toBeNull();
  });

  it('limits code lengths to 12 bits on the most skewed distributions (Fibonacci frequencies)', () => {
    const parts: number[] = [];
    let a = 1;
    let b = 1;
    for (let v = 0; v < 24; v++) {
      for (let i = 0; i < a; i++) parts.push(v);
      [a, b] = [b, a + b];
    }
    const bytes = Uint8Array.from(parts);
    const packed = packBytes(bytes) as Uint8Array;
    expect(unpack(packed)).toEqual(bytes);
    // Lengths are nibbles after the varuint n and the 32-byte bitmap: every one within 1..12.
    const dec = new Decoder(packed);
    dec.readVarUint();
    dec.readRaw(32);
    const lens = dec.readRaw(12);
    for (const byte of lens) {
      for (const len of [byte >> 4, byte & 15]) {
        expect(len).toBeGreaterThanOrEqual(1);
        expect(len).toBeLessThanOrEqual(12);
      }
    }
  });

  it('refuses damaged packed bytes with DecodeError, or decodes them to n bytes at most 8 per input byte', () => {
    const text = utf8.encode('A packed paragraph of text, with punctuation; and numbers 12345. '.repeat(20));
    const packed = packBytes(text) as Uint8Array;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: -8, max: 8 }),
        (flips, cut) => {
          let bytes = packed.slice();
          for (const [at, v] of flips) bytes[at % bytes.length] = v;
          if (cut < 0) bytes = bytes.slice(0, bytes.length + cut);
          else if (cut > 0) bytes = Uint8Array.from([...bytes, ...new Uint8Array(cut)]);
          try {
            const dec = new Decoder(bytes);
            const out = unpackBytes(dec);
            expect(out.length).toBeLessThanOrEqual(8 * bytes.length);
          } catch (e) {
            expect(e).toBeInstanceOf(DecodeError);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('names each malformed field', () => {
    const bytes = utf8.encode('abracadabra '.repeat(30));
    const packed = packBytes(bytes) as Uint8Array;
    const refuse = (b: Uint8Array, message: RegExp) =>
      expect(() => unpackBytes(new Decoder(b))).toThrow(message);
    // n (varuint 360: two bytes) claims more than 8 bytes per code byte.
    const huge = packed.slice();
    huge[0] = 0xff;
    huge[1] = 0x7f;
    refuse(huge, /bytes of codes/);
    // No byte value used.
    const none = packed.slice();
    none.fill(0, 2, 34);
    refuse(none, /uses no byte value/);
    // A code length of 0 for a used value.
    const zero = packed.slice();
    zero[34] = 0;
    refuse(zero, /code length 0/);
    // Lengths that overflow the code space (every used value with length 1).
    const over = packed.slice();
    over[34] = 0x11;
    over[35] = 0x11;
    refuse(over, /overflow the code space/);
    // A stream with an extra byte after the codes (its length says so) is not canonical.
    const used = 6; // a, b, r, c, d, space
    const kAt = 2 + 32 + used / 2;
    const longer = Uint8Array.from([
      ...packed.subarray(0, kAt),
      (packed[kAt] as number) + 1,
      ...packed.subarray(kAt + 1),
      0,
    ]);
    refuse(longer, /not canonical/);
  });
});
