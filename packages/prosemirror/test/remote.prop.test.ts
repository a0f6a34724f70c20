/**
 * Remote changes: for random blocks and random flat deltas (text and blocks inserted, deleted,
 * formatted, blocks changed), the ProseMirror transaction built from the delta turns the
 * document of the blocks before into the document of the blocks after. Text-only deltas map the
 * selection like ProseMirror maps it.
 */
import fc from 'fast-check';
import { EditorState, TextSelection } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import { BlockMapping } from '../src/convert.js';
import type { FlatBlock } from '../src/flat.js';
import { localDelta } from '../src/local.js';
import { applyRemoteDelta } from '../src/remote.js';
import { accordSchema as schema } from '../src/schema.js';
import { blocksArb, deltaArb, editArb, runEdits } from './arbitraries.js';
import { applyModel, sourceOf } from './model.js';

const mapping = new BlockMapping(schema);

function remote(blocks: FlatBlock[], delta: Parameters<typeof applyModel>[1]) {
  const after = applyModel(blocks, delta);
  const state = EditorState.create({ doc: mapping.toDoc(blocks), schema });
  const tr = state.tr;
  const ok = applyRemoteDelta(mapping, tr, delta, sourceOf(after));
  return { ok, doc: tr.doc, expected: mapping.toDoc(after), tr };
}

describe('remote deltas as ProseMirror transactions', () => {
  it('give the document of the blocks after, for random deltas', () => {
    fc.assert(
      fc.property(
        blocksArb.chain((b) => fc.tuple(fc.constant(b), deltaArb(b))),
        ([blocks, delta]) => {
          const { ok, doc, expected } = remote(blocks, delta);
          expect(ok).toBe(true);
          doc.check();
          expect(doc.toJSON()).toEqual(expected.toJSON());
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('give the document of the blocks after, for the deltas of editor commands', () => {
    fc.assert(
      fc.property(blocksArb, fc.array(editArb, { minLength: 1, maxLength: 3 }), (start, edits) => {
        const blocks = mapping.toBlocks(mapping.toDoc(start));
        const delta = localDelta(mapping, mapping.toDoc(blocks), runEdits(mapping.toDoc(blocks), edits));
        const { ok, doc, expected } = remote(blocks, delta);
        expect(ok).toBe(true);
        expect(doc.toJSON()).toEqual(expected.toJSON());
      }),
      { numRuns: 500 },
    );
  });

  it('inserts typed text with one step and keeps a caret before it in place', () => {
    const blocks: FlatBlock[] = [{ type: 'paragraph', attrs: {}, content: [{ insert: 'hello world' }] }];
    const { tr, doc } = remote(blocks, [{ retain: 7 }, { insert: 'big ', attributes: { bold: true } }]);
    expect(tr.steps).toHaveLength(1);
    expect(doc.textContent).toBe('hello big world');
    const caret = TextSelection.create(mapping.toDoc(blocks), 3);
    expect(caret.map(tr.doc, tr.mapping).head).toBe(3);
    const after = TextSelection.create(mapping.toDoc(blocks), 10);
    expect(after.map(tr.doc, tr.mapping).head).toBe(14);
  });
});
