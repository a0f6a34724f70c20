import { DecodeError, Decoder, decodeWith, Encoder } from '@accord/core/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

describe('Encoder/Decoder', () => {
  it('a reset decoder reads its new bytes from their start, whatever it read before', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 2 ** 40 }), { minLength: 1, maxLength: 8 }),
        fc.nat(8),
        (values, skip) => {
          const e = new Encoder(1);
          for (const v of values) e.writeVarUint(v);
          const bytes = e.toBytes();
          const d = new Decoder(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]));
          for (let i = 0; i < skip; i++) d.readU8();
          d.reset(bytes);
          expect(d.offset).toBe(0);
          expect(d.remaining).toBe(bytes.length);
          for (const v of values) expect(d.readVarUint()).toBe(v);
          expect(d.done).toBe(true);
          d.reset(new Uint8Array(0));
          expect(d.done).toBe(true);
          expect(() => d.readU8()).toThrow(DecodeError);
        },
      ),
    );
  });

  it('round-trips unsigned and signed varints, floats, strings and bytes', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        fc.maxSafeInteger(),
        fc.double(),
        fc.string({ unit: 'grapheme' }),
        fc.uint8Array(),
        (u, i, f, s, b) => {
          const e = new Encoder(1);
          e.writeVarUint(u);
          e.writeVarInt(i);
          e.writeFloat64(f);
          e.writeString(s);
          e.writeBytes(b);
          const d = new Decoder(e.toBytes());
          expect(d.readVarUint()).toBe(u);
          expect(d.readVarInt()).toBe(i);
          expect(Object.is(d.readFloat64(), f)).toBe(true);
          expect(d.readString()).toBe(s);
          expect(d.readBytes()).toEqual(b);
          expect(d.done).toBe(true);
        },
      ),
    );
  });

  it('uses one byte for small varints', () => {
    const e = new Encoder();
    e.writeVarUint(127);
    expect(e.length).toBe(1);
    e.writeVarUint(128);
    expect(e.length).toBe(3);
  });

  it('rejects random bytes only with DecodeError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          decodeWith(bytes, (d) => {
            const n = d.readCount(1, 1000);
            for (let k = 0; k < n; k++) d.readString();
            d.readVarInt();
            d.readFloat64();
          });
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
    );
  });

  it('rejects hostile lengths before allocating', () => {
    const e = new Encoder();
    e.writeVarUint(2 ** 40);
    expect(() => new Decoder(e.toBytes()).readBytes()).toThrow(DecodeError);
    expect(() => new Decoder(e.toBytes()).readCount()).toThrow(DecodeError);
    expect(() =>
      new Decoder(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])).readVarUint(),
    ).toThrow(DecodeError);
  });

  it('rejects invalid UTF-8 with bad-utf8', () => {
    const bytes = new Uint8Array([2, 0xc3, 0x28]);
    try {
      new Decoder(bytes).readString();
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DecodeError);
      expect((e as DecodeError).code).toBe('bad-utf8');
    }
  });
});
