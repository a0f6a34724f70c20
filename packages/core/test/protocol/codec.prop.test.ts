import {
  DecodeError,
  decodeClientMessage,
  decodeMessage,
  decodeServerMessage,
  encodeMessage,
  type Message,
} from '@accord/core/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { message } from './arbitraries.js';

/** Decoding must either return a message or throw DecodeError; anything else fails the test. */
function decodeOrDecodeError(bytes: Uint8Array): Message | DecodeError {
  try {
    return decodeMessage(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    return e as DecodeError;
  }
}

describe('protocol codec properties', () => {
  it('decode(encode(m)) equals m for every message', () => {
    fc.assert(
      fc.property(message, (m) => {
        expect(decodeMessage(encodeMessage(m))).toEqual(m);
      }),
      { numRuns: 500 },
    );
  });

  it('re-encoding a decoded frame gives the same bytes (canonical encoding)', () => {
    fc.assert(
      fc.property(message, (m) => {
        const bytes = encodeMessage(m);
        expect(encodeMessage(decodeMessage(bytes))).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
  });

  it('every strict prefix of a frame is rejected with DecodeError', () => {
    fc.assert(
      fc.property(message, (m) => {
        const bytes = encodeMessage(m);
        for (let cut = 0; cut < bytes.length; cut++) {
          const r = decodeOrDecodeError(bytes.subarray(0, cut));
          expect(r).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('a frame with bytes appended is rejected (no silent trailing data)', () => {
    fc.assert(
      fc.property(message, fc.uint8Array({ minLength: 1, maxLength: 8 }), (m, extra) => {
        const bytes = encodeMessage(m);
        const longer = new Uint8Array(bytes.length + extra.length);
        longer.set(bytes);
        longer.set(extra, bytes.length);
        expect(decodeOrDecodeError(longer)).toBeInstanceOf(DecodeError);
      }),
      { numRuns: 200 },
    );
  });

  it('random bytes decode or throw DecodeError, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (raw) => {
        decodeOrDecodeError(raw);
        // Also with a valid header so the fuzzer reaches every field decoder.
        for (let t = 1; t <= 13; t++) {
          const framed = new Uint8Array(raw.length + 2);
          framed[0] = 1;
          framed[1] = t;
          framed.set(raw, 2);
          decodeOrDecodeError(framed);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('bit flips in valid frames decode or throw DecodeError, and what decodes re-encodes', () => {
    fc.assert(
      fc.property(message, fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), (m, flips) => {
        const bytes = encodeMessage(m).slice();
        for (const f of flips) {
          const bit = f % (bytes.length * 8);
          bytes[bit >> 3] = (bytes[bit >> 3] as number) ^ (1 << (bit & 7));
        }
        const r = decodeOrDecodeError(bytes);
        if (!(r instanceof DecodeError)) expect(() => encodeMessage(r)).not.toThrow();
      }),
      { numRuns: 1000 },
    );
  });

  it('client and server decoders accept exactly their directions', () => {
    const clientTypes = new Set(['hello', 'resync', 'update', 'presence', 'error', 'ping', 'pong', 'cas']);
    const serverTypes = new Set([
      'welcome',
      'sync',
      'update',
      'ack',
      'presence-update',
      'cluster',
      'error',
      'ping',
      'pong',
      'cas-result',
    ]);
    fc.assert(
      fc.property(message, (m) => {
        const bytes = encodeMessage(m);
        if (clientTypes.has(m.type)) expect(decodeClientMessage(bytes)).toEqual(m);
        else expect(() => decodeClientMessage(bytes)).toThrow(DecodeError);
        if (serverTypes.has(m.type)) expect(decodeServerMessage(bytes)).toEqual(m);
        else expect(() => decodeServerMessage(bytes)).toThrow(DecodeError);
      }),
      { numRuns: 300 },
    );
  });
});
