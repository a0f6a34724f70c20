import { applyUpdate, DecodeError, type Doc, encodeStateAsUpdate, mergeUpdates } from '@accord/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeDoc } from './helpers.js';

function sampleDoc(id: number): { doc: Doc; updates: Uint8Array[] } {
  const doc = makeDoc(id);
  const updates: Uint8Array[] = [];
  doc.on('update', (u) => updates.push(u));
  const m = doc.getMap('m');
  m.set('a', 1);
  const l = m.setList('l');
  l.push('x', { y: [1, 2] }, 3.5);
  l.insertText(1).insert(0, 'héllo 😀');
  m.setCounter('c').increment(4);
  doc.getText('t').insert(0, 'hello world');
  doc.getText('t').delete(2, 3);
  return { doc, updates };
}

/** Apply `bytes`; on DecodeError the target must be exactly as before. */
function applyOrReject(target: Doc, bytes: Uint8Array): void {
  const before = encodeStateAsUpdate(target);
  const pendingBefore = target.pending.length;
  try {
    applyUpdate(target, bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError);
    expect(encodeStateAsUpdate(target)).toEqual(before);
    expect(target.pending.length).toBe(pendingBefore);
  }
}

describe('hostile updates (fuzz)', () => {
  const { updates, doc: source } = sampleDoc(7);
  const valid = [...updates, encodeStateAsUpdate(source), mergeUpdates(updates)];

  it('random bytes only ever throw DecodeError and leave the document unchanged', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const target = sampleDoc(9).doc;
        applyOrReject(target, bytes);
      }),
      { numRuns: 500 },
    );
  });

  it('mutated valid updates only ever throw DecodeError and leave the document unchanged', () => {
    fc.assert(
      fc.property(
        fc.nat(valid.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (which, flips, truncate) => {
          const bytes = (valid[which] as Uint8Array).slice();
          for (const [at, v] of flips) bytes[at % bytes.length] = v;
          const input = truncate ? bytes.subarray(0, flips[0]![0] % bytes.length) : bytes;
          const target = sampleDoc(9).doc;
          applyOrReject(target, input);
          // Whatever was accepted, the document still encodes and reloads.
          const copy = makeDoc(11);
          applyUpdate(copy, encodeStateAsUpdate(target));
          expect(JSON.stringify(copy.toJSON())).toBe(JSON.stringify(target.toJSON()));
        },
      ),
      { numRuns: 800 },
    );
  });
});
