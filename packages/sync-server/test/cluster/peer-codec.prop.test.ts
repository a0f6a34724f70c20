import { DecodeError } from '@accord/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeClusterMessage, encodeClusterMessage } from '../../src/cluster/peer-codec.js';
import { clusterMessageArb } from './arbitraries.js';

function decodeOrError(bytes: Uint8Array): unknown {
  try {
    return decodeClusterMessage(bytes);
  } catch (e) {
    return e;
  }
}

describe('peer message codec (properties)', () => {
  it('round-trips every message exactly', () => {
    fc.assert(
      fc.property(clusterMessageArb, (m) => {
        expect(decodeClusterMessage(encodeClusterMessage(m))).toEqual(m);
      }),
      { numRuns: 2000 },
    );
  });

  it('every strict prefix of a message is a DecodeError', () => {
    fc.assert(
      fc.property(clusterMessageArb, (m) => {
        const bytes = encodeClusterMessage(m);
        for (let cut = 0; cut < bytes.length; cut++) {
          expect(decodeOrError(bytes.subarray(0, cut))).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('bit flips and random bytes give a message or a DecodeError, never another exception', () => {
    fc.assert(
      fc.property(clusterMessageArb, fc.nat(), fc.integer({ min: 0, max: 7 }), (m, at, bit) => {
        const bytes = encodeClusterMessage(m);
        bytes[at % bytes.length]! ^= 1 << bit;
        const r = decodeOrError(bytes);
        if (r instanceof Error) expect(r).toBeInstanceOf(DecodeError);
        // a flip may still decode (to another valid message): it must then re-encode to itself
        else expect(decodeClusterMessage(encodeClusterMessage(r as never))).toEqual(r);
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const r = decodeOrError(bytes);
        if (r instanceof Error) expect(r).toBeInstanceOf(DecodeError);
      }),
      { numRuns: 3000 },
    );
  });
});
