/**
 * When the struct store and the position index copy an array that editing left to its exact size
 * (`spare-slots.ts`): while under three in eight of the recent insertions made them leave one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { churnAfter, trimsAt } from '../../src/store/spare-slots.js';

/** The average after `n` insertions, insertion `i` leaving an array when `leaves(i)`. */
function after(n: number, leaves: (i: number) => boolean, from = 0): number {
  let c = from;
  for (let i = 0; i < n; i++) c = churnAfter(c, leaves(i));
  return c;
}

describe('spare slots: copy arrays to their exact size unless edits are scattered', () => {
  it('copies while edits stay in a few places, and stops once nearly every insertion leaves an array', () => {
    expect(trimsAt(0)).toBe(true);
    expect(trimsAt(after(1000, () => false))).toBe(true);
    const scattered = after(100, () => true);
    expect(trimsAt(scattered)).toBe(false);
    // Editing that settles in one place again copies again after a few dozen insertions.
    expect(trimsAt(after(8, () => false, scattered))).toBe(false);
    expect(trimsAt(after(40, () => false, scattered))).toBe(true);
  });

  it('reads the recent rate: one in two stops the copies, one in four does not', () => {
    expect(trimsAt(after(400, (i) => i % 2 === 0))).toBe(false);
    expect(trimsAt(after(400, (i) => i % 4 === 0))).toBe(true);
  });

  it('stays a small integer whatever the history', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 2000 }), (history) => {
        const c = after(history.length, (i) => history[i] === true);
        expect(Number.isInteger(c)).toBe(true);
        expect(c).toBeGreaterThanOrEqual(0);
        expect(c).toBeLessThan(272);
      }),
    );
  });
});
