/**
 * `Blocks.applyFlatDelta`: the delta between two states (`diffBlocks`), applied as local edits to
 * a replica at the first state, gives the second state (block ids aside: inserted blocks are new
 * blocks). This is how an editor binding turns its own changes into block edits.
 */
import { type BlockJSON, Doc, diffBlocks } from '@accord/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BLOCKS_SEED, blocksEdit, blocksEditArgs, freshChars } from '../arbitraries/blocks.js';

function shape(json: BlockJSON[]): unknown {
  return json.map(({ type, attrs, content }) => ({ type, attrs, content }));
}

describe('applyFlatDelta (property)', () => {
  it('applying diffBlocks(before, after) to before gives after', () => {
    fc.assert(
      fc.property(
        fc.array(blocksEditArgs, { minLength: 0, maxLength: 15 }),
        fc.array(blocksEditArgs, { minLength: 1, maxLength: 6 }),
        (setup, edits) => {
          let clock = 1_000_000;
          const a = new Doc({ clientId: 1, now: () => clock++ });
          const b = a.getBlocks('b');
          const fresh = freshChars();
          for (const args of setup) blocksEdit(b, args, fresh, true);
          const before = b.toJSON();
          // The same edits on a copy give the state to reach.
          const copy = new Doc({ clientId: 2, now: () => clock++ });
          const cb = copy.getBlocks('b');
          for (const x of before) cb.insertBlock(cb.blockCount, x.type, x.attrs, x.content);
          const log = edits.map((args) => blocksEdit(cb, args, fresh, true));
          const after = cb.toJSON();
          const delta = diffBlocks(before, after);
          let events = 0;
          b.observe(() => events++);
          b.applyFlatDelta(delta);
          expect(shape(b.toJSON()), `${log.join('; ')}\n${JSON.stringify(delta)}`).toEqual(shape(after));
          expect(events).toBe(delta.length === 0 ? 0 : 1);
        },
      ),
      { numRuns: 400, ...BLOCKS_SEED },
    );
  }, 60_000);
});
