/**
 * Undo of block edits: with an `UndoManager` scoped to the blocks' text, undoing any edit
 * (split, join, move, type and attributes, new and deleted blocks, text, formatting) gives the
 * blocks as they were (block ids aside: a boundary that comes back is a new unit), and redo gives
 * them as they were after the edit.
 *
 * Redo is checked for the last edit only, and undo of whole chains only for edits that write
 * each mark once (see below): redoing a chain where a later step formatted (or set the type,
 * attributes or registers of) units that an earlier redone step brought back as new units loses
 * that formatting. That is `UndoManager`'s behaviour for every `Text`, not particular to blocks.
 */
import { type BlockJSON, Doc, UndoManager } from '@accord/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BLOCKS_SEED, blocksEdit, blocksEditArgs, freshChars } from '../arbitraries/blocks.js';

/** The blocks without ids. */
function shape(json: BlockJSON[]): unknown {
  return json.map(({ type, attrs, content }) => ({ type, attrs, content }));
}

describe('undo of block edits (property)', () => {
  it('undo gives the blocks before an edit, redo the blocks after it', () => {
    fc.assert(
      fc.property(
        fc.array(blocksEditArgs, { minLength: 0, maxLength: 12 }),
        fc.array(blocksEditArgs, { minLength: 1, maxLength: 4 }),
        (setup, edits) => {
          let clock = 1_000_000;
          const doc = new Doc({ clientId: 3, now: () => clock++ });
          const b = doc.getBlocks('b');
          const fresh = freshChars();
          for (const args of setup) blocksEdit(b, args, fresh);
          const undo = new UndoManager(doc, { scope: b.text, captureTimeout: 0, now: () => clock });
          const states = [shape(b.toJSON())];
          const log: string[] = [];
          /** Whether each edit wrote anything (an undo step). */
          const wrote: boolean[] = [];
          let updates = 0;
          doc.on('update', () => updates++);
          for (const args of edits) {
            const before = updates;
            log.push(blocksEdit(b, args, fresh));
            wrote.push(updates !== before);
            states.push(shape(b.toJSON()));
          }
          const history = log.join('; ');
          // The last edit: undo, redo.
          const last = states.length - 1;
          if (wrote[last - 1] && JSON.stringify(states[last]) !== JSON.stringify(states[last - 1])) {
            undo.undo();
            expect(shape(b.toJSON()), `undo ${log[last - 1]} in ${history}`).toEqual(states[last - 1]);
            undo.redo();
            expect(shape(b.toJSON()), `redo ${log[last - 1]} in ${history}`).toEqual(states[last]);
          }
          // Every edit, back to the start: checked for chains of edits that write each mark once
          // (text, splits, new blocks). Undoing a format (or a block's type, attributes, move or
          // merge register) after undoing a later write of the same key keeps the later value,
          // and undoing a format after undoing the deletion of what it formatted keeps the
          // formatting: that is `UndoManager`'s behaviour for every `Text` (a revert resolves
          // against every other mark, the later undo's own included, and on old tombstones).
          if (!log.every((w) => /^(insertText|split|insertBlock|nothing)/.test(w))) return;
          for (let i = states.length - 2; i >= 0; i--) {
            if (wrote[i]) undo.undo();
            expect(shape(b.toJSON()), `undo ${log[i]} in ${history}`).toEqual(states[i]);
          }
        },
      ),
      { numRuns: 300, ...BLOCKS_SEED },
    );
  }, 60_000);
});
