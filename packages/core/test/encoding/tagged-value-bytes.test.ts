/**
 * Byte stability: the three configurations of the shared tagged-value codec write exactly the
 * bytes the three codecs before it wrote (spelled out for a few values, and checked against a
 * copy of the old code for random ones), and read back everything the old code wrote or read.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Decoder, decodeWith } from '../../src/encoding/decoder.js';
import { Encoder } from '../../src/encoding/encoder.js';
import type { TaggedValueCodec } from '../../src/encoding/tagged-value.js';
import { DecodeError } from '../../src/errors.js';
import { ContainerValue } from '../../src/format/records.js';
import { storedValueCodec } from '../../src/format/values-codec.js';
import { presenceValueCodec } from '../../src/protocol/presence-value.js';
import { jsonValueCodec } from '../../src/state/value-codec.js';
import { presenceValue } from '../protocol/arbitraries.js';
import {
  legacyReadJson,
  legacyReadPresence,
  legacyReadStored,
  legacyWriteJson,
  legacyWritePresence,
  legacyWriteStored,
} from './legacy-value-codecs.js';

function bytesOf(write: (e: Encoder) => void): number[] {
  const e = new Encoder(1);
  write(e);
  return Array.from(e.toBytes());
}

const write = (codec: TaggedValueCodec, v: unknown) => bytesOf((e) => codec.write(e, v));

/** What reading `bytes` gives: the value, or the DecodeError code. */
function outcome(bytes: Uint8Array, read: (d: Decoder) => unknown): { value: unknown } | { error: string } {
  try {
    return { value: decodeWith(bytes, read) };
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return { error: e.code };
  }
}

// Little-endian float64 bytes of 0.5 and of -0.
const HALF = [0, 0, 0, 0, 0, 0, 0xe0, 0x3f];
const MINUS_ZERO = [0, 0, 0, 0, 0, 0, 0, 0x80];
const a = 0x61;
const b = 0x62;

describe('tagged values keep the bytes of the three old codecs', () => {
  it('state values (jsonCodec): 0 null, 1 false, 2 true, 3 int, 4 float, 5 string, 6 array, 7 object, keys sorted', () => {
    expect(write(jsonValueCodec, null)).toEqual([0]);
    expect(write(jsonValueCodec, false)).toEqual([1]);
    expect(write(jsonValueCodec, true)).toEqual([2]);
    // Signed varint: continuation bit 0x80, sign bit 0x40, 6 magnitude bits, then 7 bits a byte.
    expect(write(jsonValueCodec, 1)).toEqual([3, 0x01]);
    expect(write(jsonValueCodec, -1)).toEqual([3, 0x41]);
    expect(write(jsonValueCodec, 64)).toEqual([3, 0x80, 0x01]);
    expect(write(jsonValueCodec, 0.5)).toEqual([4, ...HALF]);
    expect(write(jsonValueCodec, -0)).toEqual([4, ...MINUS_ZERO]);
    // Length-prefixed UTF-8: 'é' is two bytes.
    expect(write(jsonValueCodec, 'é')).toEqual([5, 2, 0xc3, 0xa9]);
    expect(write(jsonValueCodec, [true, null])).toEqual([6, 2, 2, 0]);
    // Keys sorted: a before b whatever the insertion order.
    expect(write(jsonValueCodec, { b: [1], a: 'x' })).toEqual([7, 2, 1, a, 5, 1, 0x78, 1, b, 6, 1, 3, 1]);
  });

  it('document values: the same tags 0..7 with keys in insertion order, 8 + kind code for containers', () => {
    expect(write(storedValueCodec, null)).toEqual([0]);
    expect(write(storedValueCodec, -1)).toEqual([3, 0x41]);
    expect(write(storedValueCodec, 0.5)).toEqual([4, ...HALF]);
    expect(write(storedValueCodec, 'é')).toEqual([5, 2, 0xc3, 0xa9]);
    expect(write(storedValueCodec, [false])).toEqual([6, 1, 1]);
    expect(write(storedValueCodec, { b: 1, a: null })).toEqual([7, 2, 1, b, 3, 1, 1, a, 0]);
    // Kind codes: 0 map, 1 list, 2 text, 3 counter, 4 map keeping concurrent values.
    expect(write(storedValueCodec, new ContainerValue('map'))).toEqual([8, 0]);
    expect(write(storedValueCodec, new ContainerValue('list'))).toEqual([8, 1]);
    expect(write(storedValueCodec, new ContainerValue('text'))).toEqual([8, 2]);
    expect(write(storedValueCodec, new ContainerValue('counter'))).toEqual([8, 3]);
    expect(write(storedValueCodec, new ContainerValue('map', true))).toEqual([8, 4]);
  });

  it('presence values: 0..5 as above, 6 bytes, 7 array, 8 object, keys in insertion order', () => {
    expect(write(presenceValueCodec, true)).toEqual([2]);
    expect(write(presenceValueCodec, 64)).toEqual([3, 0x80, 0x01]);
    expect(write(presenceValueCodec, 0.5)).toEqual([4, ...HALF]);
    expect(write(presenceValueCodec, new Uint8Array([9, 8]))).toEqual([6, 2, 9, 8]);
    expect(write(presenceValueCodec, [true, { x: 'y' }])).toEqual([7, 2, 2, 8, 1, 1, 0x78, 5, 1, 0x79]);
    expect(write(presenceValueCodec, { b: 1, a: null })).toEqual([8, 2, 1, b, 3, 1, 1, a, 0]);
  });

  const cases = [
    {
      name: 'jsonCodec',
      codec: jsonValueCodec,
      arb: fc.jsonValue() as fc.Arbitrary<unknown>,
      legacyWrite: (e: Encoder, v: unknown) => legacyWriteJson(e, v),
      legacyRead: (d: Decoder) => legacyReadJson(d),
      read: (d: Decoder) => jsonValueCodec.read(d),
    },
    {
      name: 'document values',
      codec: storedValueCodec,
      arb: fc.oneof(
        fc.jsonValue() as fc.Arbitrary<unknown>,
        fc
          .constantFrom('map' as const, 'list' as const, 'text' as const, 'counter' as const)
          .map((k) => new ContainerValue(k)),
        fc.boolean().map((c) => new ContainerValue('map', c)),
      ),
      legacyWrite: (e: Encoder, v: unknown) => legacyWriteStored(e, v),
      legacyRead: (d: Decoder) => legacyReadStored(d, true),
      read: (d: Decoder) => storedValueCodec.read(d, true),
    },
    {
      name: 'presence values',
      codec: presenceValueCodec,
      arb: presenceValue as fc.Arbitrary<unknown>,
      legacyWrite: (e: Encoder, v: unknown) => legacyWritePresence(e, v),
      legacyRead: (d: Decoder) => legacyReadPresence(d),
      read: (d: Decoder) => presenceValueCodec.read(d),
    },
  ];

  for (const c of cases) {
    it(`${c.name}: writes the bytes the old writer wrote, and reads them as the old reader did`, () => {
      fc.assert(
        fc.property(c.arb, (v) => {
          const old = bytesOf((e) => c.legacyWrite(e, v));
          expect(write(c.codec, v)).toEqual(old);
          const bytes = Uint8Array.from(old);
          expect(decodeWith(bytes, c.read)).toStrictEqual(decodeWith(bytes, c.legacyRead));
        }),
        { numRuns: 300 },
      );
    });

    it(`${c.name}: reads damaged old bytes as the old reader did`, () => {
      const damaged = fc
        .tuple(
          c.arb,
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        )
        .map(([v, edits]) => {
          const bytes = Uint8Array.from(bytesOf((e) => c.legacyWrite(e, v)));
          for (const [at, x] of edits) bytes[at % bytes.length] = x;
          return bytes;
        });
      fc.assert(
        fc.property(damaged, (bytes) => {
          const before = outcome(bytes, c.legacyRead);
          const now = outcome(bytes, c.read);
          // The document reader's depth error was `invalid`; it is `too-large` in every codec now.
          if (
            c.codec === storedValueCodec &&
            'error' in before &&
            'error' in now &&
            now.error === 'too-large'
          )
            return;
          expect(now).toStrictEqual(before);
        }),
        { numRuns: 500 },
      );
    });
  }

  it('reads nesting at the old limits as the old readers did', () => {
    const nested = (tag: number, levels: number, inner: number[]) => {
      const out: number[] = [];
      for (let i = 0; i < levels; i++) out.push(tag, 1);
      out.push(...inner);
      // The innermost container holds nothing when `inner` is empty.
      if (inner.length === 0) out[out.length - 1] = 0;
      return Uint8Array.from(out);
    };
    // jsonCodec: 64 arrays inside one another, never 65.
    for (const [levels, inner] of [
      [64, [0]],
      [65, []],
    ] as const) {
      const bytes = nested(6, levels, [...inner]);
      expect(outcome(bytes, (d) => jsonValueCodec.read(d))).toStrictEqual(
        outcome(bytes, (d) => legacyReadJson(d)),
      );
    }
    // Presence: 8 arrays, never 9.
    for (const [levels, inner] of [
      [8, [0]],
      [9, []],
    ] as const) {
      const bytes = nested(7, levels, [...inner]);
      expect(outcome(bytes, (d) => presenceValueCodec.read(d))).toStrictEqual(
        outcome(bytes, (d) => legacyReadPresence(d)),
      );
    }
    // Documents: the old reader took a value inside 32 arrays, or an empty 33rd array (what the
    // document lets one store); both still read. 34 arrays are refused, now as `too-large`.
    for (const bytes of [nested(6, 32, [0]), nested(6, 33, [])]) {
      expect(outcome(bytes, (d) => storedValueCodec.read(d))).toStrictEqual(
        outcome(bytes, (d) => legacyReadStored(d, true)),
      );
    }
    expect(outcome(nested(6, 34, []), (d) => storedValueCodec.read(d))).toEqual({ error: 'too-large' });
  });
});

describe('the freeze option', () => {
  /** True when every array and object inside `v` is frozen. */
  function deepFrozen(v: unknown): boolean {
    if (typeof v !== 'object' || v === null) return true;
    return Object.isFrozen(v) && Object.values(v).every(deepFrozen);
  }

  it('reads stored values frozen all the way down; the other codecs read them as before', () => {
    const value = { a: [1, { b: 'x', c: [true, null] }], d: {} };
    const bytes = (codec: TaggedValueCodec) => Uint8Array.from(write(codec, value));
    const stored = decodeWith(bytes(storedValueCodec), (d) => storedValueCodec.read(d, false));
    expect(stored).toEqual(value);
    expect(deepFrozen(stored)).toBe(true);
    const json = decodeWith(bytes(jsonValueCodec), (d) => jsonValueCodec.read(d, false)) as Record<
      string,
      unknown
    >;
    expect(json).toEqual(value);
    expect(Object.isFrozen(json) || Object.isFrozen(json.a)).toBe(false);
  });
});
