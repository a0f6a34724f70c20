/**
 * appendText, which grows a text run's content: always the concatenation, for every length on
 * both sides of the flat-copy limit and of the eighths it re-flattens at, and for text typed one
 * unit at a time into a long run.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendText } from '../../src/sequence/item.js';

describe('appendText', () => {
  it('equals a + b for any two strings, short or long', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.nat(5000),
        fc.nat(5000),
        (a, b, padA, padB) => {
          const left = 'x'.repeat(padA) + a;
          const right = b + 'y'.repeat(padB % 50);
          expect(appendText(left, right)).toBe(left + right);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps every unit of a run typed one unit at a time past the flat-copy limit', () => {
    let run = '';
    let expected = '';
    for (let i = 0; i < 5000; i++) {
      const unit = String.fromCharCode(0x61 + (i % 26)) + (i % 997 === 0 ? '😀' : '');
      run = appendText(run, unit);
      expected += unit;
    }
    expect(run).toBe(expected);
    expect(run.length).toBe(expected.length);
  });
});
