import {
  DecodeError,
  decodeMessage,
  docIdProblem,
  encodeMessage,
  isValidDocId,
  isWellFormedUtf16,
  loneSurrogateAt,
  MAX_DOC_ID_BYTES,
  PROTOCOL_VERSION,
  utf8Length,
} from '@accord/core/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const hello = (docId: string) => ({
  type: 'hello' as const,
  docId,
  token: '',
  stateVector: new Uint8Array(),
});

describe('document ids are well-formed UTF-16', () => {
  it('finds lone surrogates, high or low, anywhere; pairs are fine', () => {
    expect(loneSurrogateAt('abc')).toBe(-1);
    expect(loneSurrogateAt('a😀b')).toBe(-1);
    expect(loneSurrogateAt('a\uD800')).toBe(1);
    expect(loneSurrogateAt('\uDC00a')).toBe(0);
    expect(loneSurrogateAt('\uD800\uD800\uDC00')).toBe(0);
    expect(loneSurrogateAt('😀\uDC00')).toBe(2);
    expect(isWellFormedUtf16('\uDBFF\uDFFF')).toBe(true);
  });

  it('agrees with String.prototype.isWellFormed and TextEncoder on any UTF-16 string', () => {
    const native = (s: string) => (s as unknown as { isWellFormed(): boolean }).isWellFormed();
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        expect(isWellFormedUtf16(s)).toBe(native(s));
        // The fallback for engines without the native method.
        expect(loneSurrogateAt(s) === -1).toBe(native(s));
        expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
      }),
      { numRuns: 300 },
    );
  });

  it('names what is wrong: empty, lone surrogate, longer than the limit', () => {
    expect(docIdProblem('notes')).toBeNull();
    expect(docIdProblem('')).toBe('empty');
    expect(docIdProblem('x\uD83D')).toBe('lone-surrogate');
    expect(docIdProblem('a'.repeat(MAX_DOC_ID_BYTES))).toBeNull();
    expect(docIdProblem('a'.repeat(MAX_DOC_ID_BYTES + 1))).toBe('too-long');
    expect(docIdProblem('ä'.repeat(MAX_DOC_ID_BYTES / 2))).toBeNull();
    expect(docIdProblem('ä'.repeat(MAX_DOC_ID_BYTES / 2 + 1))).toBe('too-long');
    expect(isValidDocId('😀')).toBe(true);
  });

  it('encodeMessage refuses a hello whose id would become U+FFFD on the wire', () => {
    // Before: both encoded as "a\uFFFD" and joined the same room.
    expect(() => encodeMessage(hello('a\uD800'))).toThrow(RangeError);
    expect(() => encodeMessage(hello('a\uDC00'))).toThrow(RangeError);
    const ok = decodeMessage(encodeMessage(hello('a\uFFFD')));
    expect(ok.type === 'hello' && ok.docId).toBe('a\uFFFD');
  });

  it('decoding refuses the surrogate code points smuggled in as (invalid) UTF-8 bytes', () => {
    // "a" + U+D800 as a 3-byte sequence (CESU/WTF-8), which is not UTF-8.
    const frame = new Uint8Array([PROTOCOL_VERSION, 1, 4, 0x61, 0xed, 0xa0, 0x80, 0, 0]);
    expect(() => decodeMessage(frame)).toThrow(DecodeError);
    try {
      decodeMessage(frame);
    } catch (e) {
      expect((e as DecodeError).code).toBe('bad-utf8');
    }
  });
});
