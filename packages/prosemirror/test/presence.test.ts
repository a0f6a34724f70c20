/**
 * Presence values from other people: only well-formed flat cursors resolve (clamped to the
 * document), names and colours are sanitised, and a plain-text editor's cursor draws nothing.
 */
import { describe, expect, it } from 'vitest';
import { FALLBACK_COLOR, MAX_NAME_LENGTH, resolveCursor, safeColor, safeName } from '../src/presence.js';

describe('presence', () => {
  it('resolves flat cursors, clamped, and refuses anything else', () => {
    expect(resolveCursor({ flatAnchor: 2, flatHead: 5 }, 10)).toEqual({ anchor: 2, head: 5 });
    expect(resolveCursor({ flatAnchor: 2, flatHead: 50 }, 10)).toEqual({ anchor: 2, head: 10 });
    for (const bad of [
      null,
      3,
      'x',
      [1, 2],
      new Uint8Array([1]),
      { anchor: 1, head: 2 },
      { flatAnchor: -1, flatHead: 2 },
      { flatAnchor: 1.5, flatHead: 2 },
      { flatAnchor: 1 },
    ]) {
      expect(resolveCursor(bad as never, 10)).toBeUndefined();
    }
  });

  it('prefers the anchors, with the flat indices as the fallback', () => {
    const a = new Uint8Array([1]);
    const h = new Uint8Array([2]);
    const resolve = (bytes: Uint8Array) => (bytes === a ? 13 : bytes === h ? 40 : undefined);
    const cursor = { flatAnchor: 3, flatHead: 4, textAnchor: a, textHead: h };
    expect(resolveCursor(cursor, 20, resolve)).toEqual({ anchor: 13, head: 20 }); // clamped
    expect(resolveCursor({ ...cursor, textAnchor: new Uint8Array([9]) }, 20, resolve)).toEqual({
      anchor: 3,
      head: 20,
    });
    expect(resolveCursor(cursor, 20)).toEqual({ anchor: 3, head: 4 });
  });

  it('sanitises names and colours', () => {
    expect(safeColor('#abc')).toBe('#abc');
    expect(safeColor('red; background: url(x)')).toBe(FALLBACK_COLOR);
    expect(safeName('  Ada  ', 'x')).toBe('Ada');
    expect(safeName('', 'User 1')).toBe('User 1');
    expect(safeName('x'.repeat(200), 'y')).toHaveLength(MAX_NAME_LENGTH);
  });
});
