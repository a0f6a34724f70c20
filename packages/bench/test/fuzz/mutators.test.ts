import { describe, expect, it } from 'vitest';
import { mutate, mutationKinds } from '../../src/fuzz/mutators.js';
import { createRng } from '../../src/util/prng.js';

const corpus = [new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), new Uint8Array([9, 10, 11, 12])];

describe('mutate', () => {
  it('is reproducible from its seed and uses every kind of mutation', () => {
    const a = createRng(99);
    const b = createRng(99);
    const kinds = new Set<string>();
    for (let i = 0; i < 400; i++) {
      const x = mutate(a, corpus);
      const y = mutate(b, corpus);
      expect(x).toEqual(y);
      kinds.add(x.kind);
    }
    expect([...kinds].sort()).toEqual([...mutationKinds].sort());
  });

  it('never changes the corpus and duplicates are exact copies', () => {
    const rng = createRng(5);
    const copy = corpus.map((c) => c.slice());
    for (let i = 0; i < 300; i++) {
      const f = mutate(rng, corpus);
      if (f.kind === 'duplicate')
        expect(corpus.some((c) => c.length === f.bytes.length && c.every((v, j) => v === f.bytes[j]))).toBe(
          true,
        );
    }
    expect(corpus).toEqual(copy);
  });
});
