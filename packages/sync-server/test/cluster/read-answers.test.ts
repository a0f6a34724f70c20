import { applyUpdate, Doc, encodeStateAsUpdate, encodeStateVector } from '@accord/core';
import { describe, expect, it } from 'vitest';
import { holdsSomething } from '../../src/cluster/read-answers.js';

describe('what a quorum read brought', () => {
  it('a difference from a node that is not behind holds nothing; text, a deletion or bad bytes do', () => {
    const a = new Doc({ clientId: 1 });
    expect(holdsSomething(encodeStateAsUpdate(a))).toBe(false);
    a.getText('t').insert(0, 'hello');
    const b = new Doc({ clientId: 2 });
    applyUpdate(b, encodeStateAsUpdate(a));
    // b holds all of a: a's difference from b's vector is empty.
    expect(holdsSomething(encodeStateAsUpdate(a, encodeStateVector(b)))).toBe(false);
    expect(holdsSomething(encodeStateAsUpdate(a))).toBe(true);
    a.getText('t').delete(0, 2); // only a deletion: b's vector still covers a's
    expect(holdsSomething(encodeStateAsUpdate(a, encodeStateVector(b)))).toBe(true);
    expect(holdsSomething(new Uint8Array([255, 1, 2]))).toBe(true);
  });
});
