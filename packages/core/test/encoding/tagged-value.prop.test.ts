/**
 * The shared tagged-value codec in each of its three configurations (state values, document
 * values, presence values) and in small custom ones: round trips, size without encoding, one
 * error contract for writing (AccordError 'invalid-argument') and reading (DecodeError only, the
 * same code for the same problem), and bounded reading of hostile bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decoder } from '../../src/encoding/decoder.js';
import { Encoder } from '../../src/encoding/encoder.js';
import { TaggedValueCodec } from '../../src/encoding/tagged-value.js';
import { AccordError, DecodeError } from '../../src/errors.js';
import { ContainerValue } from '../../src/format/records.js';
import { storedValueCodec } from '../../src/format/values-codec.js';
import { presenceValueCodec } from '../../src/protocol/presence-value.js';
import { jsonValueCodec } from '../../src/state/value-codec.js';
import { presenceValue } from '../protocol/arbitraries.js';

function encode(codec: TaggedValueCodec, v: unknown): Uint8Array {
  const e = new Encoder(1);
  codec.write(e, v);
  return e.toBytes();
}

/** Read one value directly (no `decodeWith`, which would wrap any other error) and the end. */
function decode(codec: TaggedValueCodec, bytes: Uint8Array): unknown {
  const d = new Decoder(bytes);
  const v = codec.read(d);
  d.expectEnd();
  return v;
}

/** The DecodeError code reading `bytes` throws; fails on any other error or on success. */
function readError(codec: TaggedValueCodec, bytes: Uint8Array | number[]): string {
  try {
    decode(codec, Uint8Array.from(bytes));
  } catch (e) {
    if (e instanceof DecodeError) return e.code;
    throw e;
  }
  return 'no error';
}

function expectRefused(fn: () => unknown): void {
  let thrown: unknown = null;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(AccordError);
  expect((thrown as AccordError).code).toBe('invalid-argument');
}

/** `levels` arrays inside one another around `inner`. */
function nest(levels: number, inner: unknown): unknown {
  let v = inner;
  for (let i = 0; i < levels; i++) v = [v];
  return v;
}

const containerValue = fc.oneof(
  fc
    .constantFrom('map' as const, 'list' as const, 'text' as const, 'counter' as const)
    .map((k) => new ContainerValue(k)),
  fc.constant(new ContainerValue('map', true)),
);

const configs = [
  {
    name: 'state values (jsonCodec)',
    codec: jsonValueCodec,
    arb: fc.jsonValue() as fc.Arbitrary<unknown>,
    tags: { array: 6, object: 7, float: 4 },
    maxDepth: 64,
  },
  {
    name: 'document values',
    codec: storedValueCodec,
    arb: fc.oneof(fc.jsonValue() as fc.Arbitrary<unknown>, containerValue),
    tags: { array: 6, object: 7, float: 4 },
    maxDepth: 33,
  },
  {
    name: 'presence values',
    codec: presenceValueCodec,
    arb: presenceValue as fc.Arbitrary<unknown>,
    tags: { array: 7, object: 8, float: 4 },
    maxDepth: 8,
  },
];

/** Bytes biased towards the tags and small counts, so decoding gets past the first byte. */
const hostileBytes = fc
  .array(fc.oneof(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 255 })), { maxLength: 200 })
  .map((a) => Uint8Array.from(a));

describe('tagged-value codec', () => {
  for (const c of configs) {
    describe(c.name, () => {
      it('round-trips every value', () => {
        fc.assert(
          fc.property(c.arb, (v) => {
            const back = decode(c.codec, encode(c.codec, v));
            // Presence objects come back without prototype, which toStrictEqual would tell apart.
            if (c.codec === presenceValueCodec) expect(back).toEqual(v);
            else expect(back).toStrictEqual(v);
          }),
          { numRuns: 300 },
        );
      });

      it('size without encoding equals the encoded length', () => {
        fc.assert(
          fc.property(c.arb, (v) => {
            expect(c.codec.size(v)).toBe(encode(c.codec, v).length);
          }),
          { numRuns: 300 },
        );
      });

      it('reads hostile bytes with DecodeError only, never another error or a hang', () => {
        fc.assert(
          fc.property(hostileBytes, (bytes) => {
            let v: unknown;
            try {
              v = decode(c.codec, bytes);
            } catch (e) {
              expect(e).toBeInstanceOf(DecodeError);
              return;
            }
            // Whatever was read can be written and read back (not always to the same bytes:
            // a varint may have been padded).
            expect(decode(c.codec, encode(c.codec, v))).toStrictEqual(v);
          }),
          { numRuns: 2000 },
        );
      });

      it('uses one DecodeError code per problem', () => {
        // An unknown tag.
        expect(readError(c.codec, [200])).toBe('bad-tag');
        // A non-finite float64 (NaN).
        expect(readError(c.codec, [c.tags.float, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f])).toBe('invalid');
        // Nesting past the limit, arrays or objects, however long the input.
        const deep: number[] = [];
        for (let i = 0; i < 100_000; i++) deep.push(c.tags.array, 1);
        expect(readError(c.codec, deep)).toBe('too-large');
        const deepObjects: number[] = [];
        for (let i = 0; i <= c.maxDepth; i++) deepObjects.push(c.tags.object, 1, 1, 0x6b);
        deepObjects.push(0);
        expect(readError(c.codec, deepObjects)).toBe('too-large');
        // A count larger than the bytes left: refused before anything is allocated.
        expect(readError(c.codec, [c.tags.array, 0xff, 0xff, 0xff, 0xff, 0x0f])).toBe('truncated');
        // Invalid UTF-8 in a string (tag 5 in every configuration).
        expect(readError(c.codec, [5, 1, 0xff])).toBe('bad-utf8');
      });

      it('refuses values it cannot hold with AccordError invalid-argument, when writing and sizing', () => {
        const cycle: unknown[] = [];
        cycle.push(cycle);
        const sparse: unknown[] = [];
        sparse[2] = 1;
        const bad: unknown[] = [
          undefined,
          Number.NaN,
          Number.NEGATIVE_INFINITY,
          () => 1,
          Symbol('s'),
          10n,
          new Date(0),
          new Map(),
          sparse,
          { a: undefined },
          cycle,
          nest(c.maxDepth + 1, 0),
          [new ContainerValue('list')],
        ];
        if (c.codec !== presenceValueCodec) bad.push(new Uint8Array(1));
        if (c.codec !== storedValueCodec) bad.push(new ContainerValue('list'));
        for (const v of bad) {
          expectRefused(() => encode(c.codec, v));
          expectRefused(() => c.codec.size(v));
        }
        // The limit itself is fine, and reads back.
        const deepest = nest(c.maxDepth, 'x');
        expect(decode(c.codec, encode(c.codec, deepest))).toEqual(deepest);
      });

      it('keeps "__proto__" an own key and never touches prototypes', () => {
        const v = JSON.parse(
          '{"__proto__": {"polluted": 1}, "a": 2, "toString": 3, "constructor": 4}',
        ) as Record<string, unknown>;
        const back = decode(c.codec, encode(c.codec, v)) as Record<string, unknown>;
        expect(Object.keys(back).sort()).toEqual(['__proto__', 'a', 'constructor', 'toString']);
        expect(back.toString).toBe(3);
        expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toEqual({ polluted: 1 });
        expect(Object.getPrototypeOf(back)).toBe(c.codec === presenceValueCodec ? null : Object.prototype);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      });
    });
  }

  it('document values: containers only at the top level, and only where the reader allows them', () => {
    const bytes = encode(storedValueCodec, new ContainerValue('text'));
    expect(storedValueCodec.read(new Decoder(bytes), true)).toStrictEqual(new ContainerValue('text'));
    expect(() => storedValueCodec.read(new Decoder(bytes), false)).toThrow(
      expect.objectContaining({ name: 'DecodeError', code: 'invalid' }),
    );
    expect(readError(storedValueCodec, [6, 1, 8, 1])).toBe('invalid');
    expect(readError(storedValueCodec, [8, 5])).toBe('bad-tag');
  });

  it('presence values: at most 4096 elements in all, when writing and when reading', () => {
    const wide = (n: number) => Array.from({ length: n }, () => null);
    expect(presenceValueCodec.size([wide(4000), wide(94)])).toBe(
      encode(presenceValueCodec, [wide(4000), wide(94)]).length,
    );
    expectRefused(() => encode(presenceValueCodec, [wide(4000), wide(95)]));
    expectRefused(() => presenceValueCodec.size(wide(4097)));
    expect(readError(presenceValueCodec, [7, 0x81, 0x20, ...wide(4097).map(() => 0)])).toBe('too-large');
  });

  it('custom configurations: bytes, node budget, sorted keys, and a tag table that must be a table', () => {
    const tags = {
      null: 10,
      false: 11,
      true: 12,
      int: 13,
      float: 14,
      string: 15,
      array: 16,
      object: 17,
      bytes: 18,
    };
    const codec = new TaggedValueCodec({
      name: 'test value',
      tags,
      sortKeys: true,
      maxDepth: 2,
      maxNodes: 3,
    });
    expect(Array.from(encode(codec, { b: null, a: new Uint8Array([7]) }))).toEqual([
      17, 2, 1, 0x61, 18, 1, 7, 1, 0x62, 10,
    ]);
    expect(decode(codec, encode(codec, [[true], 1]))).toEqual([[true], 1]);
    expectRefused(() => encode(codec, [[true, false], 1]));
    expectRefused(() => encode(codec, [[[]]]));
    expect(readError(codec, [16, 1, 16, 1, 16, 0])).toBe('too-large');
    expect(readError(codec, [16, 4, 10, 10, 10, 10])).toBe('too-large');
    expect(readError(codec, [0])).toBe('bad-tag');
    expectRefused(
      () => new TaggedValueCodec({ name: 'x', tags: { ...tags, true: 10 }, sortKeys: false, maxDepth: 1 }),
    );
    expectRefused(
      () => new TaggedValueCodec({ name: 'x', tags: { ...tags, int: 256 }, sortKeys: false, maxDepth: 1 }),
    );
    expectRefused(
      () => new TaggedValueCodec({ name: 'x', tags, sortKeys: false, maxDepth: Number.POSITIVE_INFINITY }),
    );
  });
});
