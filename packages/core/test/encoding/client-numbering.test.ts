import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClientNumbering } from '../../src/format/client-numbering.js';

/** The table's ids in index order. */
function idsOf(t: ClientNumbering): number[] {
  return Array.from({ length: t.size }, (_, i) => t.idAt(i));
}

describe('ClientNumbering (an update writer’s client table)', () => {
  it('numbers ids in the order first met, by scan and past 16 ids by map, and starts over after reset (the second table reuses the first)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(40), { minLength: 20, maxLength: 200 }),
        fc.array(fc.nat(40), { maxLength: 30 }),
        (a, b) => {
          const t = new ClientNumbering();
          for (const ids of [a, b]) {
            t.reset();
            const model: number[] = [];
            for (const id of ids) {
              let i = model.indexOf(id);
              if (i < 0) {
                i = model.length;
                model.push(id);
              }
              expect(t.ci(id)).toBe(i);
            }
            expect(idsOf(t)).toEqual(model);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
