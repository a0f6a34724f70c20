import { DecodeError, Decoder, Encoder } from '@accord/core/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_SHORT_STRING_BYTES, readShortAscii } from '../../src/encoding/short-strings.js';

/** ASCII strings of 0–70 characters (some past the table's limit), from a small alphabet so they repeat. */
const asciiWord = fc.string({
  unit: fc.constantFrom('a', 'b', 'c', '-', '1', '2', '~', '\u0000'),
  maxLength: 70,
});

const encode = (words: readonly string[]): Uint8Array => {
  const e = new Encoder(1);
  for (const w of words) e.writeString(w);
  return e.toBytes();
};

// Whether a read hands back the held string object cannot be seen from JavaScript (strings compare by
// value); the relay bench's allocation profile shows it. These check that sharing never changes a
// value.
describe('short strings shared while they repeat', () => {
  it('every string read equals the one written, in any mix of repeats, collisions, non-ASCII and long ones', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            { weight: 6, arbitrary: asciiWord },
            { weight: 1, arbitrary: fc.string({ unit: 'grapheme' }) },
          ),
          {
            maxLength: 300,
          },
        ),
        (words) => {
          const d = new Decoder(encode(words));
          for (const w of words) expect(d.readString()).toBe(w);
          expect(d.done).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('ids of one length, more than the table holds (so some share a slot), read in turns come back right', () => {
    // 1,000 ids over 256 slots: by pigeonhole many share one, and a shared slot holds another id
    // of the same length when it is read.
    const ids = Array.from({ length: 1000 }, (_, i) => `room-${String(i).padStart(4, '0')}`);
    const order = [...ids, ...ids.slice().reverse(), ...ids];
    const d = new Decoder(encode(order));
    for (const id of order) expect(d.readString()).toBe(id);
    // The same text at another offset of another buffer.
    const d2 = new Decoder(encode(['x', ids[7] as string]));
    expect(d2.readString()).toBe('x');
    expect(d2.readString()).toBe(ids[7]);
  });

  it('answers null for a non-ASCII byte, at any position, and keeps the bound', () => {
    expect(MAX_SHORT_STRING_BYTES).toBeLessThan(64);
    const ascii = new TextEncoder().encode('document-42');
    expect(readShortAscii(ascii, 0, ascii.length)).toBe('document-42');
    for (let at = 0; at < ascii.length; at++) {
      const b = ascii.slice();
      b[at] = 0xc3;
      expect(readShortAscii(b, 0, b.length)).toBeNull();
    }
    expect(readShortAscii(new Uint8Array([0x80]), 0, 1)).toBeNull();
    expect(readShortAscii(new Uint8Array([0x41]), 0, 1)).toBe('A');
    // Inside a larger buffer: only the n bytes at start count.
    const framed = new Uint8Array([0xff, 0x61, 0x62, 0xff]);
    expect(readShortAscii(framed, 1, 2)).toBe('ab');
  });

  it('invalid UTF-8 after a shared ASCII string is still refused', () => {
    const good = encode(['key-1']);
    new Decoder(good).readString();
    const bad = good.slice();
    bad[3] = 0xff;
    expect(() => new Decoder(bad).readString()).toThrow(DecodeError);
  });
});
