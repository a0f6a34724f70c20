import { describe, expect, it } from 'vitest';
import { applyDelta, mapPosition, mapSelection, spliceDelta } from '../../src/text/delta.js';

describe('mapPosition', () => {
  it('shifts a position by text inserted or deleted before it', () => {
    expect(mapPosition(5, [{ retain: 2 }, { insert: 'abc' }])).toBe(8);
    expect(mapPosition(5, [{ retain: 1 }, { delete: 2 }])).toBe(3);
    expect(mapPosition(5, [{ retain: 6 }, { insert: 'abc' }, { delete: 3 }])).toBe(5);
  });

  it('keeps a caret before text inserted exactly at it (left) or moves past it (right)', () => {
    const delta = [{ retain: 4 }, { insert: 'xy' }];
    expect(mapPosition(4, delta, 'left')).toBe(4);
    expect(mapPosition(4, delta, 'right')).toBe(6);
  });

  it('moves a position inside a deleted range to the start of the deletion', () => {
    expect(mapPosition(5, [{ retain: 3 }, { delete: 4 }])).toBe(3);
  });

  it('handles several changes in one delta', () => {
    const delta = [{ insert: 'AB' }, { retain: 2 }, { delete: 1 }, { retain: 3 }, { insert: 'Z' }];
    // "0123456789": caret after "5" (index 6); Z lands exactly there and the caret stays left of it.
    expect(applyDelta('0123456789', delta)).toBe('AB01345Z6789');
    expect(mapPosition(6, delta)).toBe(7);
  });
});

describe('mapSelection', () => {
  it('does not grow a range when text lands on its edges', () => {
    expect(mapSelection(2, 4, [{ retain: 2 }, { insert: 'x' }])).toEqual({ start: 3, end: 5 });
    expect(mapSelection(2, 4, [{ retain: 4 }, { insert: 'x' }])).toEqual({ start: 2, end: 4 });
  });

  it('collapses a range whose text was deleted', () => {
    expect(mapSelection(2, 4, [{ retain: 1 }, { delete: 5 }])).toEqual({ start: 1, end: 1 });
  });
});

describe('applyDelta and spliceDelta', () => {
  it('apply a splice', () => {
    expect(applyDelta('hello world', spliceDelta(6, 5, 'there'))).toBe('hello there');
    expect(applyDelta('', spliceDelta(0, 0, 'x'))).toBe('x');
  });

  it('refuse a delta that reaches past the end', () => {
    expect(() => applyDelta('ab', [{ retain: 3 }])).toThrow(RangeError);
    expect(() => applyDelta('ab', [{ delete: 3 }])).toThrow(RangeError);
  });
});
