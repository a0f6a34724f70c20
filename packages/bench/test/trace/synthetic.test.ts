import { describe, expect, it } from 'vitest';
import { syntheticTrace } from '../../src/trace/synthetic.js';

describe('syntheticTrace', () => {
  it('is deterministic per seed and replays to its endContent', () => {
    const a = syntheticTrace(500, 7);
    expect(syntheticTrace(500, 7)).toEqual(a);
    expect(syntheticTrace(500, 8).endContent).not.toBe(a.endContent);
    let s = a.startContent;
    for (const { patches } of a.txns)
      for (const [pos, del, ins] of patches) s = s.slice(0, pos) + ins + s.slice(pos + del);
    expect(s).toBe(a.endContent);
    expect(a.txns).toHaveLength(500);
    expect(a.txns.some((t) => t.patches.some(([, del]) => del > 0))).toBe(true);
    expect(a.txns.some((t) => t.patches.length > 1)).toBe(true);
  });
});
