/**
 * Cursors in presence: encoded anchors that every replica resolves to the same characters, and
 * hostile presence (bad bytes, wrong shapes, odd colours and names) that draws nothing and
 * never throws.
 */
import { applyUpdate, Doc, encodeStateAsUpdate } from '@accord/core';
import { describe, expect, it } from 'vitest';
import { cursorValue, FALLBACK_COLOR, resolveCursor, safeColor, safeName } from '../src/presence.js';
import { remoteCarets } from '../src/remote-carets.js';

function pair(): [Doc, Doc] {
  const a = new Doc();
  const b = new Doc();
  a.on('update', (u, origin) => origin !== 'net' && applyUpdate(b, u, 'net'));
  b.on('update', (u, origin) => origin !== 'net' && applyUpdate(a, u, 'net'));
  return [a, b];
}

describe('cursor values', () => {
  it('resolve on another replica to the same characters, after edits before and at the caret', () => {
    const [a, b] = pair();
    a.getText('t').insert(0, 'hello world');
    // A selects "world" (anchor 6, head 11) and publishes it.
    const cursor = cursorValue(a.getText('t'), 6, 11);
    const tb = b.getText('t');
    expect(resolveCursor(tb, cursor)).toEqual({ anchor: 6, head: 11 });
    tb.insert(0, '>> '); // before the selection: it moves
    tb.insert(tb.length, '!'); // right after the head: the head stays before it
    expect(tb.toString()).toBe('>> hello world!');
    expect(resolveCursor(tb, cursor)).toEqual({ anchor: 9, head: 14 });
    tb.delete(9, 5); // the selected characters go: both ends collapse where they were
    expect(resolveCursor(tb, cursor)).toEqual({ anchor: 9, head: 9 });
  });

  it('accept plain indexes, clamped to the text', () => {
    const text = new Doc().getText('t');
    text.insert(0, 'abc');
    expect(resolveCursor(text, { anchor: 1, head: 99 })).toEqual({ anchor: 1, head: 3 });
  });

  it('resolve to nothing for hostile or foreign values, without throwing', () => {
    const doc = new Doc();
    const text = doc.getText('t');
    text.insert(0, 'abc');
    const other = new Doc().getText('other');
    other.insert(0, 'xyz');
    const foreign = cursorValue(other, 1, 1);
    for (const value of [
      null,
      3,
      'x',
      new Uint8Array([1, 2, 3]),
      [1, 2],
      { anchor: new Uint8Array([9, 9, 9]), head: 1 },
      { anchor: -1, head: 0 },
      { anchor: 0.5, head: 0 },
      { anchor: 0 },
      foreign,
    ]) {
      expect(resolveCursor(text, value)).toBeUndefined();
    }
  });

  it('from an unknown replica resolve once its characters arrive', () => {
    const a = new Doc();
    a.getText('t').insert(0, 'abc');
    const cursor = cursorValue(a.getText('t'), 2, 2);
    const b = new Doc();
    expect(resolveCursor(b.getText('t'), cursor)).toBeUndefined();
    applyUpdate(b, encodeStateAsUpdate(a));
    expect(resolveCursor(b.getText('t'), cursor)).toEqual({ anchor: 2, head: 2 });
  });
});

describe('remote carets', () => {
  it('are drawn for resolvable cursors only, with safe names and colours, by session id', () => {
    const text = new Doc().getText('t');
    text.insert(0, 'hello');
    const peers = new Map([
      [7, { name: '  Grace  ', color: '#2d9d5c', cursor: cursorValue(text, 1, 4) }],
      [3, { name: '', color: 'red; background: url(x)', cursor: { anchor: 2, head: 2 } }],
      [5, { name: 'x'.repeat(100), color: '#fff', cursor: null }],
    ]);
    expect(remoteCarets(text, peers, text.length)).toEqual([
      { id: 3, name: 'User 3', color: FALLBACK_COLOR, anchor: 2, head: 2 },
      { id: 7, name: 'Grace', color: '#2d9d5c', anchor: 1, head: 4 },
    ]);
  });

  it('colours and names are checked', () => {
    expect(safeColor('#abc')).toBe('#abc');
    expect(safeColor('#aabbccdd')).toBe('#aabbccdd');
    expect(safeColor('#ab')).toBe(FALLBACK_COLOR);
    expect(safeColor(42)).toBe(FALLBACK_COLOR);
    expect(safeName('n'.repeat(80), 'f')).toHaveLength(64);
    expect(safeName(' ', 'fallback')).toBe('fallback');
  });
});
