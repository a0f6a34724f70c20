/**
 * Other schemas: Tiptap's node and mark names (`bulletList`, `bold`, ...) map to the same blocks
 * and attributes as the basic schema's; an editor created with a document other than the blocks'
 * is reset to them.
 */
import { Doc } from '@accord/core';
import { Schema } from 'prosemirror-model';
import { schema as basic } from 'prosemirror-schema-basic';
import { bulletList, listItem, orderedList } from 'prosemirror-schema-list';
import { EditorState } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import { accordProsemirror, blocksToDoc } from '../src/collab.js';
import { BlockMapping } from '../src/convert.js';
import type { FlatBlock } from '../src/flat.js';
import { localDelta } from '../src/local.js';
import { accordSchema, tiptapNames } from '../src/schema.js';
import { fakeView } from './fake-view.js';

const b = basic.spec.nodes;
const tiptap = new Schema({
  nodes: {
    doc: b.get('doc') ?? {},
    paragraph: b.get('paragraph') ?? {},
    text: b.get('text') ?? {},
    heading: b.get('heading') ?? {},
    codeBlock: { ...(b.get('code_block') ?? {}), attrs: { language: { default: null } } },
    blockquote: b.get('blockquote') ?? {},
    hardBreak: b.get('hard_break') ?? {},
    bulletList: { ...bulletList, content: 'listItem+', group: 'block' },
    orderedList: { ...orderedList, content: 'listItem+', group: 'block' },
    listItem: { ...listItem, content: 'paragraph block*' },
  },
  marks: {
    bold: basic.spec.marks.get('strong') ?? {},
    italic: basic.spec.marks.get('em') ?? {},
    code: basic.spec.marks.get('code') ?? {},
    link: basic.spec.marks.get('link') ?? {},
  },
});

const blocks: FlatBlock[] = [
  { type: 'heading', attrs: { level: 1 }, content: [{ insert: 'Title' }] },
  {
    type: 'list_item',
    attrs: { indent: 0, kind: 'bullet' },
    content: [{ insert: 'one', attributes: { bold: true } }],
  },
  {
    type: 'list_item',
    attrs: { indent: 1, kind: 'ordered' },
    content: [{ insert: 'a\nb', attributes: { italic: true } }],
  },
  { type: 'code_block', attrs: {}, content: [{ insert: 'x = 1' }] },
];

describe('Tiptap names', () => {
  it('map to the same blocks and attributes', () => {
    const mapping = new BlockMapping(tiptap, tiptapNames);
    const doc = mapping.toDoc(blocks);
    doc.check();
    expect(doc.child(1).type.name).toBe('bulletList');
    expect(doc.child(1).firstChild?.lastChild?.type.name).toBe('orderedList');
    expect(mapping.toBlocks(doc)).toEqual(blocks);
    // Bold typed at the end of "one" in Tiptap's schema is bold in Accord.
    const state = EditorState.create({ doc });
    const end = doc.child(0).nodeSize + 3 + 'one'.length;
    const next = state.apply(state.tr.insertText('!', end));
    expect(localDelta(mapping, doc, next.doc)).toEqual([
      { retain: 10 },
      { insert: '!', attributes: { bold: true } },
    ]);
    // The basic schema shows the same blocks the same way.
    expect(new BlockMapping(accordSchema).toBlocks(new BlockMapping(accordSchema).toDoc(blocks))).toEqual(
      blocks,
    );
  });
});

describe('an editor created with another document', () => {
  it('is reset to the blocks', async () => {
    const doc = new Doc();
    const shared = doc.getBlocks('content');
    shared.insertBlock(0, 'paragraph', {}, [{ insert: 'shared text' }]);
    const view = fakeView(
      EditorState.create({
        schema: accordSchema,
        doc: accordSchema.node('doc', null, [
          accordSchema.node('paragraph', null, [accordSchema.text('local draft')]),
        ]),
        plugins: accordProsemirror(shared),
      }),
    );
    await Promise.resolve(); // the reset runs outside the view's creation
    expect(view.state.doc.toJSON()).toEqual(blocksToDoc(shared, accordSchema).toJSON());
    expect(shared.toJSON().map((b) => b.content)).toEqual([[{ insert: 'shared text' }]]);
  });
});
