/**
 * Local changes: for random documents and random editor commands (typing, Enter, Backspace and
 * Delete, marks, headings, code blocks, lists in and out, blockquotes: ReplaceStep,
 * ReplaceAroundStep, AddMarkStep, RemoveMarkStep), the flat delta of the change applied to the
 * blocks before gives the blocks after. Plus the exact deltas of the everyday edits.
 */
import fc from 'fast-check';
import { EditorState, TextSelection } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import { ChangeTracker } from '../src/binding.js';
import { BlockMapping } from '../src/convert.js';
import type { FlatBlock } from '../src/flat.js';
import { localDelta } from '../src/local.js';
import { accordSchema as schema } from '../src/schema.js';
import { blocksArb, editArb, runEdits, runEditsTracked } from './arbitraries.js';
import { applyModel } from './model.js';

const mapping = new BlockMapping(schema);

describe('local changes as flat deltas', () => {
  it('turn the blocks before into the blocks after, whatever the commands', () => {
    let changed = 0;
    fc.assert(
      fc.property(blocksArb, fc.array(editArb, { minLength: 1, maxLength: 4 }), (blocks, edits) => {
        const before = mapping.toDoc(blocks);
        const after = runEdits(before, edits);
        const delta = localDelta(mapping, before, after);
        if (delta.length > 0) changed++;
        expect(applyModel(mapping.toBlocks(before), delta)).toEqual(mapping.toBlocks(after));
      }),
      { numRuns: 1000 },
    );
    expect(changed).toBeGreaterThan(500); // the commands do change documents
  });

  it('turn the blocks before into the blocks after with the hint of where the steps replaced', () => {
    fc.assert(
      fc.property(blocksArb, fc.array(editArb, { minLength: 1, maxLength: 4 }), (blocks, edits) => {
        const before = mapping.toDoc(blocks);
        const { doc: after, hint } = runEditsTracked(before, edits);
        const delta = localDelta(mapping, before, after, hint);
        expect(applyModel(mapping.toBlocks(before), delta)).toEqual(mapping.toBlocks(after));
      }),
      { numRuns: 1000 },
    );
  });

  it('send formatting and block changes as formats and block changes, never text typed again', () => {
    const keeping = [
      'bold',
      'italic',
      'code',
      'link',
      'heading',
      'paragraph',
      'codeBlock',
      'bullet',
      'ordered',
      'sink',
      'liftItem',
      'quote',
      'lift',
    ];
    fc.assert(
      fc.property(
        blocksArb,
        fc.constantFrom(...keeping),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (blocks, name, a, h) => {
          // (A code block's line breaks are dropped when it becomes another kind of block.)
          fc.pre(blocks.every((b) => b.content.every((r) => !r.insert.includes('\n'))));
          const before = mapping.toDoc(blocks);
          const { doc: after, hint } = runEditsTracked(before, [[name, a, h]]);
          for (const op of localDelta(mapping, before, after, hint)) {
            expect('delete' in op || ('insert' in op && typeof op.insert === 'string')).toBe(false);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('tells typed text from equal text next to it, with the hint', () => {
    const doc = mapping.toDoc([para('ohello')]);
    const state = EditorState.create({ doc, schema });
    const tracker = new ChangeTracker();
    tracker.reset(doc);
    const tr = state.tr.insertText('h', 2); // "oh|hello": the second letter typed
    tracker.note(tr, doc);
    expect(localDelta(mapping, doc, tr.doc, tracker.take(tr.doc))).toEqual([{ retain: 2 }, { insert: 'h' }]);
    // Without it, the "h" of "hello" would look typed, and the new one as the old.
    expect(localDelta(mapping, doc, tr.doc)).toEqual([{ retain: 3 }, { insert: 'h' }]);
  });

  it('gives no hint for steps that keep content between their ranges (a new block type)', () => {
    const doc = mapping.toDoc([para('hello'), para(' world')]);
    const state = EditorState.create({ doc, schema });
    const tracker = new ChangeTracker();
    tracker.reset(doc);
    const tr = state.tr.setBlockType(8, 8, schema.nodes.heading, { level: 2 });
    tracker.note(tr, doc);
    expect(localDelta(mapping, doc, tr.doc, tracker.take(tr.doc))).toEqual([
      { retain: 6 },
      { retain: 1, block: { type: 'heading', attrs: { level: 2 } } },
    ]);
  });

  const para = (text: string): FlatBlock => ({
    type: 'paragraph',
    attrs: {},
    content: text ? [{ insert: text }] : [],
  });

  function edit(blocks: FlatBlock[], from: number, to: number, run: (s: EditorState) => EditorState) {
    const doc = mapping.toDoc(blocks);
    let state = EditorState.create({ doc, schema });
    state = state.apply(state.tr.setSelection(TextSelection.create(state.doc, from, to)));
    return localDelta(mapping, doc, run(state).doc);
  }

  it('types as an insert, Enter as a split, Backspace at a start as a join, bold as a format', () => {
    const blocks = [para('hello'), para('world')];
    // Positions: paragraph 1 text at 1..6, paragraph 2 text at 8..13.
    expect(edit(blocks, 3, 3, (s) => s.apply(s.tr.insertText('X')))).toEqual([
      { retain: 3 },
      { insert: 'X' },
    ]);
    expect(edit(blocks, 3, 3, (s) => s.apply(s.tr.split(3)))).toEqual([
      { retain: 3 },
      { insert: { block: { type: 'paragraph', attrs: {} } } },
    ]);
    expect(edit(blocks, 8, 8, (s) => s.apply(s.tr.join(7)))).toEqual([{ retain: 6 }, { delete: 1 }]);
    expect(edit(blocks, 2, 4, (s) => s.apply(s.tr.addMark(2, 4, schema.marks.strong.create())))).toEqual([
      { retain: 2 },
      { retain: 2, attributes: { bold: true } },
    ]);
    expect(
      edit(blocks, 8, 8, (s) => s.apply(s.tr.setBlockType(8, 8, schema.nodes.heading, { level: 1 }))),
    ).toEqual([{ retain: 6 }, { retain: 1, block: { type: 'heading', attrs: { level: 1 } } }]);
  });
});
