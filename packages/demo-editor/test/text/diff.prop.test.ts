import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyDelta } from '../../src/text/delta.js';
import { diffInput, diffStrings } from '../../src/text/diff.js';

const text = fc.string({ unit: fc.constantFrom('a', 'b', ' ', 'é', '😀', '\n'), maxLength: 40 });

describe('diffStrings', () => {
  it('produces a delta that turns before into after', () => {
    fc.assert(
      fc.property(text, text, (before, after) => {
        expect(applyDelta(before, diffStrings(before, after))).toBe(after);
      }),
      { seed: 6001, numRuns: 400 },
    );
  });

  it('finds separate edits instead of one replaced range', () => {
    expect(diffStrings('abcdef', 'aXbcdeYf')).toEqual([
      { retain: 1 },
      { insert: 'X' },
      { retain: 4 },
      { insert: 'Y' },
    ]);
  });

  it('falls back to one replaced range past its distance bound, still correct', () => {
    const before = 'ab'.repeat(400);
    const after = 'ba'.repeat(400).replaceAll('a', 'c');
    expect(applyDelta(before, diffStrings(before, after))).toBe(after);
  });
});

describe('diffInput', () => {
  it('turns before into after for any edit at the caret', () => {
    fc.assert(
      fc.property(text, fc.nat(), fc.nat(), text, (before, rawIndex, rawDelete, insert) => {
        const index = rawIndex % (before.length + 1);
        const deleteCount = rawDelete % (before.length - index + 1);
        const after = before.slice(0, index) + insert + before.slice(index + deleteCount);
        const splice = diffInput(before, after, index + insert.length);
        if (before === after) {
          expect(splice).toBeUndefined();
          return;
        }
        expect(splice).toBeDefined();
        const s = splice!;
        expect(before.slice(0, s.index) + s.insert + before.slice(s.index + s.deleteCount)).toBe(after);
        // The reported change never lies right of where the user edited.
        expect(s.index).toBeLessThanOrEqual(index + insert.length);
      }),
      { seed: 6002, numRuns: 400 },
    );
  });

  it('places a repeated character where the caret says it was typed', () => {
    expect(diffInput('aaaa', 'aaaaa', 2)).toEqual({ index: 1, deleteCount: 0, insert: 'a' });
    expect(diffInput('aaaa', 'aaa', 1)).toEqual({ index: 1, deleteCount: 1, insert: '' });
  });

  it('never splits a surrogate pair', () => {
    // 😀 and 😃 share their high surrogate.
    expect(diffInput('x😀y', 'x😃y', 3)).toEqual({ index: 1, deleteCount: 2, insert: '😃' });
  });
});
