import { describe, expect, it } from 'vitest';
import { GENERATED_KINDS, generateTrace } from '../../src/trace/generators.js';
import {
  loadAnyTrace,
  loadTrace,
  resolveTracePath,
  TraceFormatError,
  traceName,
} from '../../src/trace/trace-file.js';
import type { EditingTrace } from '../../src/trace/trace-types.js';

/** The reference splice replay of `t`. */
function replay(t: EditingTrace): string {
  let s = t.startContent;
  for (const { patches } of t.txns)
    for (const [pos, del, ins] of patches) s = s.slice(0, pos) + ins + s.slice(pos + del);
  return s;
}

const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

describe('generated traces', () => {
  for (const kind of GENERATED_KINDS) {
    it(`${kind}: deterministic per seed, valid, and never splits a surrogate pair`, () => {
      const a = generateTrace(kind, 3_000, 5);
      expect(generateTrace(kind, 3_000, 5)).toEqual(a);
      expect(generateTrace(kind, 3_000, 6).endContent).not.toBe(a.endContent);
      expect(a.txns.length).toBeGreaterThanOrEqual(3_000);
      expect(replay(a)).toBe(a.endContent);
      let s = a.startContent;
      for (const { patches } of a.txns)
        for (const [pos, del, ins] of patches) {
          expect(pos).toBeLessThanOrEqual(s.length);
          expect(pos + del).toBeLessThanOrEqual(s.length);
          // Both edges of the patch fall between code points.
          expect(pos > 0 && isLow(s.charCodeAt(pos))).toBe(false);
          expect(pos + del > 0 && isLow(s.charCodeAt(pos + del))).toBe(false);
          s = s.slice(0, pos) + ins + s.slice(pos + del);
        }
    });
  }

  it('each kind has the history it is named for', () => {
    const stats = (t: EditingTrace) => {
      let inserted = 0;
      let deleted = 0;
      let pastes = 0;
      for (const { patches } of t.txns)
        for (const [, del, ins] of patches) {
          inserted += ins.length;
          deleted += del;
          if (ins.length >= 50) pastes++;
        }
      return { inserted, deleted, pastes, final: t.endContent.length, txns: t.txns.length };
    };
    const churn = stats(generateTrace('churn', 20_000, 1));
    expect(churn.final).toBeLessThan(churn.inserted / 10);
    const paste = stats(generateTrace('paste', 20_000, 1));
    // About one paste or move per 40 keystrokes.
    expect(paste.pastes).toBeGreaterThan(paste.txns / 60);
    const code = generateTrace('code', 5_000, 1).endContent;
    expect(code.split('\n').length).toBeGreaterThan(50);
    expect(code).toMatch(/\n {2,}\w/);
    // Characters outside the BMP (two UTF-16 units each).
    expect(/[\u{10000}-\u{10FFFF}]/u.test(generateTrace('emoji', 5_000, 1).endContent)).toBe(true);
    // Undo: some transaction exactly reverses the one before it (an undone insert or delete).
    const undo = generateTrace('undo', 5_000, 1).txns;
    const reversed = undo.some((t, i) => {
      const prev = undo[i - 1]?.patches[0];
      const p = t.patches[0];
      return (
        prev !== undefined &&
        p !== undefined &&
        p[0] === prev[0] &&
        p[1] === prev[2].length &&
        p[2].length === prev[1]
      );
    });
    expect(reversed).toBe(true);
  });

  it('are named gen:<kind>[:<edits>[:<seed>]] wherever a trace is taken', () => {
    expect(resolveTracePath('gen:code:500:3')).toBe('gen:code:500:3');
    expect(traceName('gen:code:500:3')).toBe('gen:code:500:3');
    expect(loadTrace('gen:code:500:3')).toEqual(generateTrace('code', 500, 3));
    const c = loadAnyTrace('gen:concurrent:300:2');
    expect('kind' in c && c.kind).toBe('concurrent');
    expect(() => loadTrace('gen:concurrent:300')).toThrow(TraceFormatError);
    for (const bad of ['gen:nope', 'gen:code:0', 'gen:code:x', 'gen:code:5:1:9', 'gen:code:1.5'])
      expect(() => resolveTracePath(bad), bad).toThrow(TraceFormatError);
  });
});
