/**
 * The conversion between ProseMirror documents and flat blocks: building a document from blocks
 * gives a valid document with one textblock per block and the same text, and converting back
 * and forth settles after one round.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BlockMapping } from '../src/convert.js';
import type { FlatBlock } from '../src/flat.js';
import { accordSchema } from '../src/schema.js';
import { blocksArb } from './arbitraries.js';

const mapping = new BlockMapping(accordSchema);
const textOf = (b: FlatBlock): string => b.content.map((r) => r.insert).join('');

describe('blocks to ProseMirror and back', () => {
  it('builds a valid document with one textblock per block, holding its text', () => {
    fc.assert(
      fc.property(blocksArb, (blocks) => {
        const doc = mapping.toDoc(blocks);
        doc.check();
        const back = mapping.toBlocks(doc);
        expect(back.map(textOf)).toEqual(blocks.map(textOf));
        expect(mapping.layout(doc).flatLength).toBe(blocks.reduce((n, b) => n + 1 + textOf(b).length, 0));
      }),
      { numRuns: 300 },
    );
  });

  it('settles after one round trip', () => {
    fc.assert(
      fc.property(blocksArb, (blocks) => {
        const once = mapping.toBlocks(mapping.toDoc(blocks));
        expect(mapping.toBlocks(mapping.toDoc(once))).toEqual(once);
        expect(mapping.toDoc(once).eq(mapping.toDoc(blocks))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps block kinds, list nesting and marks', () => {
    const blocks: FlatBlock[] = [
      { type: 'heading', attrs: { level: 2 }, content: [{ insert: 'Title' }] },
      {
        type: 'paragraph',
        attrs: {},
        content: [{ insert: 'a ' }, { insert: 'bold', attributes: { bold: true } }],
      },
      { type: 'list_item', attrs: { indent: 0, kind: 'bullet' }, content: [{ insert: 'one' }] },
      { type: 'list_item', attrs: { indent: 1, kind: 'ordered' }, content: [{ insert: 'one.a' }] },
      { type: 'list_item', attrs: { indent: 0, kind: 'bullet' }, content: [{ insert: 'two' }] },
      {
        type: 'blockquote',
        attrs: {},
        content: [{ insert: 'said', attributes: { link: { href: 'https://x.example' } } }],
      },
      { type: 'code_block', attrs: {}, content: [{ insert: 'x\ny' }] },
    ];
    const doc = mapping.toDoc(blocks);
    expect(doc.toJSON()).toMatchObject({
      content: [
        { type: 'heading', attrs: { level: 2 } },
        { type: 'paragraph', content: [{ text: 'a ' }, { text: 'bold', marks: [{ type: 'strong' }] }] },
        {
          type: 'bullet_list',
          content: [
            { type: 'list_item', content: [{ type: 'paragraph' }, { type: 'ordered_list' }] },
            { type: 'list_item' },
          ],
        },
        { type: 'blockquote', content: [{ type: 'paragraph', content: [{ marks: [{ type: 'link' }] }] }] },
        { type: 'code_block', content: [{ text: 'x\ny' }] },
      ],
    });
    expect(mapping.toBlocks(doc)).toEqual(blocks);
  });
});
