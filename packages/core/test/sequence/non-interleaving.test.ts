import { describe, expect, it } from 'vitest';
import { makeDoc, syncBoth } from '../sync/helpers.js';

function typeForward(text: { insert(i: number, s: string): void }, at: number, word: string): void {
  for (let i = 0; i < word.length; i++) text.insert(at + i, word[i] as string);
}
function typeBackward(text: { insert(i: number, s: string): void }, at: number, word: string): void {
  for (let i = word.length - 1; i >= 0; i--) text.insert(at, word[i] as string);
}

describe('non-interleaving (Fugue guarantee)', () => {
  for (const [name, type] of [
    ['forwards', typeForward],
    ['backwards', typeBackward],
  ] as const) {
    it(`keeps concurrent runs typed ${name} at one position contiguous`, () => {
      for (const ids of [
        [1, 2, 3],
        [3, 2, 1],
        [2, 3, 1],
      ]) {
        const docs = ids.map((id) => makeDoc(id));
        docs[0]!.getText('t').insert(0, '[]');
        syncBoth(docs[0]!, docs[1]!);
        syncBoth(docs[1]!, docs[2]!);
        syncBoth(docs[0]!, docs[1]!);
        const words = ['alpha', 'BRAVO', 'charlie'];
        docs.forEach((d, i) => {
          type(d.getText('t'), 1, words[i] as string);
        });
        syncBoth(docs[0]!, docs[1]!);
        syncBoth(docs[1]!, docs[2]!);
        syncBoth(docs[0]!, docs[1]!);
        const out = docs[0]!.getText('t').toString();
        for (const d of docs) expect(d.getText('t').toString()).toBe(out);
        for (const w of words) expect(out).toContain(w);
        expect(out.length).toBe(2 + 5 + 5 + 7);
        expect(out.startsWith('[') && out.endsWith(']')).toBe(true);
      }
    });
  }

  it('keeps a run typed backwards together against a concurrent forward run', () => {
    const a = makeDoc(10);
    const b = makeDoc(20);
    a.getText('t').insert(0, 'xy');
    syncBoth(a, b);
    typeBackward(a.getText('t'), 1, 'back');
    typeForward(b.getText('t'), 1, 'fore');
    syncBoth(a, b);
    const out = a.getText('t').toString();
    expect(b.getText('t').toString()).toBe(out);
    expect(out).toMatch(/^x(backfore|foreback)y$/);
  });
});
