import {
  compareValueKeys,
  GSet,
  type JsonValue,
  jsonCodec,
  MAX_JSON_DEPTH,
  numberCodec,
  ORSet,
  stringCodec,
  type ValueCodec,
} from '@accord/core/crdts';
import { decodeWith, Encoder } from '@accord/core/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AccordError, DecodeError } from '../../src/errors.js';

function roundTrip<T>(codec: ValueCodec<T>, v: T): T {
  const enc = new Encoder(1);
  codec.write(enc, v);
  return decodeWith(enc.toBytes(), (d) => codec.read(d));
}

/** Canonical text of a JSON value (sorted keys, -0 kept apart from 0), for comparing keys. */
function canonical(v: JsonValue): string {
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : JSON.stringify(v);
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const keys = Object.keys(v).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(v[k] as JsonValue)}`).join(',')}}`;
}

describe('value codecs', () => {
  it('jsonCodec round-trips any JSON value, and its key identifies values up to key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        const x = a as JsonValue;
        const y = b as JsonValue;
        const back = roundTrip(jsonCodec, x);
        expect(back).toStrictEqual(x);
        expect(jsonCodec.key(back)).toBe(jsonCodec.key(x));
        expect(jsonCodec.key(x) === jsonCodec.key(y)).toBe(canonical(x) === canonical(y));
      }),
      { numRuns: 300 },
    );
  });

  it('jsonCodec treats objects with the same entries in another order as one element', () => {
    const s = new GSet(jsonCodec);
    s.add({ a: 1, b: [true, null] });
    expect(s.add({ b: [true, null], a: 1 })).toBe(false);
    expect(s.add({ a: 1, b: [null, true] })).toBe(true);
    expect(jsonCodec.key(0)).not.toBe(jsonCodec.key(-0));
  });

  it('jsonCodec keeps "__proto__" as an own key and never touches prototypes', () => {
    const v = JSON.parse('{"__proto__": {"polluted": 1}, "a": 2}') as JsonValue;
    const back = roundTrip(jsonCodec, v) as Record<string, JsonValue>;
    expect(Object.keys(back).sort()).toEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('jsonCodec refuses values that are not JSON, and the CRDT stays unchanged', () => {
    const set = new ORSet(1, jsonCodec);
    set.add('keep');
    const before = set.encode();
    const sparse: JsonValue[] = [];
    sparse[2] = 1;
    let deep: JsonValue = 0;
    for (let i = 0; i < MAX_JSON_DEPTH + 1; i++) deep = [deep];
    const bad = [
      Number.NaN,
      Number.POSITIVE_INFINITY,
      undefined,
      () => 1,
      new Map(),
      new Date(0),
      sparse,
      { a: undefined },
      deep,
    ];
    for (const v of bad) {
      expect(() => set.add(v as JsonValue)).toThrow(AccordError);
    }
    expect(set.encode()).toEqual(before);
  });

  it('jsonCodec rejects nesting past the limit and random bytes with DecodeError only', () => {
    const deep = new Uint8Array(2 * 10_000);
    for (let i = 0; i < deep.length; i += 2) {
      deep[i] = 6; // array
      deep[i + 1] = 1; // of one element
    }
    expect(() => decodeWith(deep, (d) => jsonCodec.read(d))).toThrow(
      expect.objectContaining({ code: 'too-large' }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64, size: 'medium' }), (bytes) => {
        try {
          const v = decodeWith(bytes, (d) => jsonCodec.read(d));
          expect(roundTrip(jsonCodec, v)).toStrictEqual(v);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('numberCodec round-trips every double, including -0, NaN and the infinities', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.maxSafeInteger()), (n) => {
        const back = roundTrip(numberCodec, n);
        expect(Object.is(back, n)).toBe(true);
        expect(numberCodec.key(back)).toEqual(numberCodec.key(n));
      }),
      { numRuns: 300 },
    );
    const enc = new Encoder();
    numberCodec.write(enc, 42);
    expect(enc.length).toBe(2);
    expect(() => decodeWith(Uint8Array.from([9, 0]), (d) => numberCodec.read(d))).toThrow(DecodeError);
  });

  it('stringCodec round-trips any string and rejects invalid UTF-8 with DecodeError', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(roundTrip(stringCodec, s)).toBe(s);
      }),
    );
    expect(() => decodeWith(Uint8Array.from([2, 0xc3, 0x28]), (d) => stringCodec.read(d))).toThrow(
      expect.objectContaining({ code: 'bad-utf8' }),
    );
    expect(() => stringCodec.key(1 as unknown as string)).toThrow(AccordError);
  });

  it('compareValueKeys is a total order (antisymmetric, transitive, NaN equal to itself)', () => {
    const key = fc.oneof(fc.double(), fc.string());
    fc.assert(
      fc.property(key, key, key, (a, b, c) => {
        expect(Math.sign(compareValueKeys(a, b)) + Math.sign(compareValueKeys(b, a))).toBe(0);
        expect(compareValueKeys(a, a)).toBe(0);
        if (compareValueKeys(a, b) <= 0 && compareValueKeys(b, c) <= 0) {
          expect(compareValueKeys(a, c)).toBeLessThanOrEqual(0);
        }
      }),
      { numRuns: 500 },
    );
  });
});
