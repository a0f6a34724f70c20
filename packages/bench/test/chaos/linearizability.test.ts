import { describe, expect, it } from 'vitest';
import {
  type CasHistoryOp,
  checkKey,
  checkLinearizable,
  HistoryError,
  type RegisterValue,
} from '../../src/chaos/linearizability.js';

/** A completed op. */
const op = (
  process: string,
  expected: RegisterValue,
  next: RegisterValue,
  invokeAt: number,
  returnAt: number | null,
  ok: boolean,
  value: RegisterValue,
  key = 'k',
): CasHistoryOp => ({
  process,
  op: 'cas',
  key,
  expected,
  next,
  invokeAt,
  returnAt,
  result: returnAt === null ? null : { ok, value },
});

describe('checkLinearizable', () => {
  it('accepts a sequential history', () => {
    const h = [
      op('a', null, 'x', 0, 1, true, 'x'),
      op('b', null, 'y', 2, 3, false, 'x'),
      op('b', 'x', 'y', 4, 5, true, 'y'),
    ];
    expect(checkLinearizable(h).verdict).toBe('linearizable');
  });

  it('accepts two concurrent lock attempts with exactly one winner, in either real order', () => {
    const h = [op('a', null, 'a', 0, 10, false, 'b'), op('b', null, 'b', 1, 5, true, 'b')];
    expect(checkLinearizable(h).verdict).toBe('linearizable');
  });

  it('refuses two winners of one lock', () => {
    const h = [op('a', null, 'a', 0, 10, true, 'a'), op('b', null, 'b', 1, 5, true, 'b')];
    expect(checkLinearizable(h).verdict).toBe('not-linearizable');
  });

  it('refuses a stale read after a completed write', () => {
    const h = [
      op('a', null, 'x', 0, 1, true, 'x'),
      op('a', 'x', 'y', 2, 3, true, 'y'),
      // a read (cas that cannot match) after the write completed sees the old value
      op('b', 'zz', 'zz', 4, 5, false, 'x'),
    ];
    expect(checkLinearizable(h).verdict).toBe('not-linearizable');
  });

  it('accepts the same read when it overlaps the write', () => {
    const h = [
      op('a', null, 'x', 0, 1, true, 'x'),
      op('a', 'x', 'y', 2, 6, true, 'y'),
      op('b', 'zz', 'zz', 4, 5, false, 'x'),
    ];
    expect(checkLinearizable(h).verdict).toBe('linearizable');
  });

  it('refuses a read of a value never written', () => {
    const h = [op('a', null, 'x', 0, 1, true, 'x'), op('b', 'zz', 'zz', 2, 3, false, 'ghost')];
    expect(checkLinearizable(h).verdict).toBe('not-linearizable');
  });

  it('refuses a failed cas that reports the expected value as current', () => {
    expect(checkLinearizable([op('a', null, 'x', 0, 1, false, null)]).verdict).toBe('not-linearizable');
  });

  it('lets an indeterminate op explain a later read, or never happen', () => {
    const took = [op('a', null, 'x', 0, null, false, null), op('b', 'zz', 'zz', 5, 6, false, 'x')];
    expect(checkLinearizable(took).verdict).toBe('linearizable');
    const never = [op('a', null, 'x', 0, null, false, null), op('b', 'zz', 'zz', 5, 6, false, null)];
    expect(checkLinearizable(never).verdict).toBe('linearizable');
    expect(checkLinearizable(never).indeterminate).toBe(1);
  });

  it('does not let an indeterminate op take effect before it was invoked', () => {
    const h = [op('b', 'zz', 'zz', 0, 1, false, 'x'), op('a', null, 'x', 2, null, false, null)];
    expect(checkLinearizable(h).verdict).toBe('not-linearizable');
  });

  it('checks keys independently and names the bad one', () => {
    const h = [
      op('a', null, 'x', 0, 1, true, 'x', 'good'),
      op('a', null, 'a', 0, 10, true, 'a', 'bad'),
      op('b', null, 'b', 1, 5, true, 'b', 'bad'),
    ];
    const r = checkLinearizable(h);
    expect(r.verdict).toBe('not-linearizable');
    expect(r.keys.map((k) => [k.key, k.verdict])).toEqual([
      ['bad', 'not-linearizable'],
      ['good', 'linearizable'],
    ]);
  });

  it('answers unknown, not a hang, when the work bound is hit', () => {
    // many fully concurrent failed reads that all disagree force a wide search
    const h: CasHistoryOp[] = [];
    for (let i = 0; i < 14; i++) h.push(op(`p${i}`, null, i, 0, 100, i === 0, i === 0 ? 0 : 0));
    h.push(op('r', 'zz', 'zz', 200, 201, false, 'never'));
    expect(checkKey(h, 50).verdict).toBe('unknown');
    expect(checkKey(h).verdict).toBe('not-linearizable');
  });

  it('refuses malformed histories with a typed error', () => {
    expect(() => checkLinearizable([op('a', null, 'x', 5, 1, true, 'x')])).toThrow(HistoryError);
    const noResult = { ...op('a', null, 'x', 0, 1, true, 'x'), result: null };
    expect(() => checkLinearizable([noResult])).toThrow(HistoryError);
    const many = Array.from({ length: 5 }, (_, i) => op('a', null, 'x', i, i, i === 0, 'x'));
    expect(() => checkLinearizable(many, { maxOpsPerKey: 4 })).toThrow(HistoryError);
  });
});
