import { describe, expect, it } from 'vitest';
import { fullGc } from '../../src/util/full-gc.js';

const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('fullGc', () => {
  it('collects what nothing refers to any more, with or without --expose-gc', async () => {
    const refs = Array.from({ length: 3 }, () => new WeakRef({ payload: new Array(1000).fill(1) }));
    // A WeakRef keeps its target alive until the end of the job that made it.
    await nextTurn();
    fullGc();
    await nextTurn();
    expect(refs.map((r) => r.deref())).toEqual([undefined, undefined, undefined]);
    const kept = { payload: [1] };
    const live = new WeakRef(kept);
    await nextTurn();
    fullGc();
    await nextTurn();
    expect(live.deref()).toBe(kept);
  });
});
