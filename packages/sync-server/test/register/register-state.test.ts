import { describe, expect, it } from 'vitest';
import {
  adoptHighest,
  decideCas,
  highestSeqOf,
  MAX_REGISTER_KEYS,
  MAX_REMEMBERED_OPS,
  type RegisterRecord,
} from '../../src/register/register-state.js';
import { RegisterStore } from '../../src/register/register-store.js';

const rec = (
  value: RegisterRecord['value'],
  term: number,
  seq: number,
  ops: string[] = [],
): RegisterRecord => ({
  value,
  term,
  seq,
  ops,
});

describe('decideCas', () => {
  it('sets an absent key when expected is null, and reads otherwise', () => {
    const empty = new Map<string, RegisterRecord>();
    const set = decideCas(empty, { opId: 'a', key: 'k', expected: null, next: 'x' }, { term: 2, seq: 5 });
    expect(set).toEqual({ ok: true, value: 'x', write: rec('x', 2, 5, ['a']), refused: false });
    const records = new Map([['k', rec('x', 2, 5, ['a'])]]);
    const read = decideCas(records, { opId: 'b', key: 'k', expected: null, next: 'y' }, { term: 2, seq: 6 });
    expect(read).toEqual({ ok: false, value: 'x', write: null, refused: false });
  });

  it('answers a retried operation with its first outcome instead of applying it again', () => {
    // op 'a' set 'x', then op 'b' set 'z': a retry of 'a' answers what 'a' got, and changes nothing
    const records = new Map([['k', rec('z', 2, 6, ['a', 'b'])]]);
    const retry = decideCas(records, { opId: 'a', key: 'k', expected: null, next: 'x' }, { term: 3, seq: 1 });
    expect(retry).toEqual({ ok: true, value: 'x', write: null, refused: false });
  });

  it('remembers a bounded number of op ids per key', () => {
    let records = new Map<string, RegisterRecord>();
    for (let i = 0; i < MAX_REMEMBERED_OPS + 5; i++) {
      const prev = records.get('k')?.value ?? null;
      const d = decideCas(
        records,
        { opId: `o${i}`, key: 'k', expected: prev, next: i },
        { term: 1, seq: i + 1 },
      );
      if (d.write) records = new Map([['k', d.write]]);
    }
    expect(records.get('k')?.ops).toHaveLength(MAX_REMEMBERED_OPS);
    expect(records.get('k')?.ops.at(-1)).toBe(`o${MAX_REMEMBERED_OPS + 4}`);
  });

  it('refuses a new key beyond the per-document limit, but not an existing one', () => {
    const records = new Map<string, RegisterRecord>();
    for (let i = 0; i < MAX_REGISTER_KEYS; i++) records.set(`k${i}`, rec(null, 1, i));
    expect(
      decideCas(records, { opId: 'a', key: 'new', expected: null, next: 1 }, { term: 1, seq: 99 }).refused,
    ).toBe(true);
    expect(
      decideCas(records, { opId: 'a', key: 'k0', expected: null, next: 1 }, { term: 1, seq: 99 }).ok,
    ).toBe(true);
  });
});

describe('adoptHighest', () => {
  it('keeps, per key, the record with the highest (term, seq)', () => {
    const out = adoptHighest([
      [
        { key: 'a', record: rec('old', 1, 9) },
        { key: 'b', record: rec('b1', 2, 1) },
      ],
      [{ key: 'a', record: rec('new', 2, 1) }],
      [{ key: 'a', record: rec('mid', 1, 10) }],
    ]);
    expect(out.get('a')?.value).toBe('new');
    expect(out.get('b')?.value).toBe('b1');
    expect(highestSeqOf(out, 2)).toBe(1);
    expect(highestSeqOf(out, 7)).toBe(0);
  });
});

describe('RegisterStore', () => {
  const memory = () => {
    const m = new Map<string, string>();
    return { getMeta: (k: string) => m.get(k), setMeta: (k: string, v: string) => void m.set(k, v) };
  };

  it('stores records durably and never moves a key back to an older version', () => {
    const s = new RegisterStore(memory());
    s.put('d', [{ key: 'k', record: rec('new', 3, 2) }]);
    s.put('d', [{ key: 'k', record: rec('old', 2, 9) }]);
    s.put('d', [{ key: 'j', record: rec(true, 1, 1) }]);
    expect(s.load('d')).toEqual([
      { key: 'k', record: rec('new', 3, 2) },
      { key: 'j', record: rec(true, 1, 1) },
    ]);
    expect(s.load('other')).toEqual([]);
  });

  it('raises its promise only upwards', () => {
    const meta = memory();
    const s = new RegisterStore(meta);
    s.promiseTerm(4);
    s.promiseTerm(2);
    expect(s.promise()).toBe(4);
    expect(new RegisterStore(meta).promise()).toBe(4);
  });
});
