/**
 * The fixes for formatting Accord keeps where the editor could not show it: applied to Accord's
 * blocks, they show exactly as the editor's blocks, and leave alone what no editor shows
 * (attributes no mark stands for, marks inside a code block).
 */
import type { Attributes, TextDeltaInsert } from '@accord/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BlockMapping } from '../src/convert.js';
import type { FlatBlock, FlatDeltaOp } from '../src/flat.js';
import { mayMoveTextBetweenNodes, revealedMarkFixes } from '../src/hidden-marks.js';
import { accordSchema } from '../src/schema.js';
import { blocksArb } from './arbitraries.js';

const mapping = new BlockMapping(accordSchema);

const markArb: fc.Arbitrary<Attributes> = fc
  .record(
    {
      bold: fc.constant(true),
      italic: fc.constant(true),
      link: fc.constantFrom({ href: 'https://a.example' }, { href: 'https://b.example' }),
      comment: fc.constantFrom('c1', 'c2'),
    },
    { requiredKeys: [] },
  )
  .map((a) => ({ ...a }) as Attributes);

/** One attribute set per character. */
function chars(content: readonly TextDeltaInsert[]): { ch: string; attributes: Attributes }[] {
  return content.flatMap((run) => [...run.insert].map((ch) => ({ ch, attributes: run.attributes ?? {} })));
}

/** Apply a flat delta of retains (with attribute patches) to blocks' texts. */
function applyRetains(blocks: readonly FlatBlock[], delta: readonly FlatDeltaOp[]): FlatBlock[] {
  const units = blocks.flatMap((b) => [null, ...chars(b.content)]);
  let at = 0;
  for (const op of delta) {
    if (!('retain' in op) || 'block' in op) throw new Error(`unexpected op ${JSON.stringify(op)}`);
    if (op.attributes) {
      for (let i = at; i < at + op.retain; i++) {
        const unit = units[i];
        if (!unit) throw new Error('a patch over a block marker');
        const next: Record<string, unknown> = { ...unit.attributes };
        for (const [k, v] of Object.entries(op.attributes)) {
          if (v === null) delete next[k];
          else next[k] = v;
        }
        unit.attributes = next as Attributes;
      }
    }
    at += op.retain;
  }
  let u = 0;
  return blocks.map((b) => {
    u++;
    const content: TextDeltaInsert[] = [];
    for (let i = 0; i < [...b.content.map((r) => r.insert).join('')].length; i++) {
      const unit = units[u++] as { ch: string; attributes: Attributes };
      content.push(
        Object.keys(unit.attributes).length > 0
          ? { insert: unit.ch, attributes: unit.attributes }
          : { insert: unit.ch },
      );
    }
    return { ...b, content };
  });
}

describe('revealed mark fixes', () => {
  it('make Accord blocks show as the editor, touching no comment and no code block', () => {
    fc.assert(
      fc.property(
        blocksArb,
        fc.array(markArb, { minLength: 1, maxLength: 8 }),
        fc.array(markArb, { minLength: 1, maxLength: 8 }),
        (editorBlocks, keptMarks, shownMarks) => {
          // The editor's document: its blocks with other marks (as the editor can show them).
          const shownBlocks = editorBlocks.map((b, i) => ({
            ...b,
            content: chars(b.content).map(({ ch }, j) => ({
              insert: ch,
              attributes: shownMarks[(i + j) % shownMarks.length] as Attributes,
            })),
          }));
          const doc = mapping.toDoc(shownBlocks);
          const layout = mapping.layout(doc);
          // Accord's blocks: same text, any attributes.
          const kept: FlatBlock[] = layout.blocks.map((b, i) => ({
            ...b.info,
            content: chars(mapping.content(b.node)).map(({ ch }, j) => ({
              insert: ch,
              attributes: keptMarks[(i * 3 + j) % keptMarks.length] as Attributes,
            })),
          }));
          const fixes = revealedMarkFixes(
            mapping,
            layout,
            { blockDelta: (i) => [...(kept[i]?.content ?? [])] },
            0,
            kept.length,
          );
          const fixed = applyRetains(kept, fixes);
          // Shown as the editor shows them.
          expect(mapping.toDoc(fixed).toJSON()).toEqual(doc.toJSON());
          for (const [i, block] of fixed.entries()) {
            const before = chars((kept[i] as FlatBlock).content);
            const after = chars(block.content);
            // Comments (no mark stands for them) untouched.
            expect(after.map((c) => c.attributes.comment)).toEqual(before.map((c) => c.attributes.comment));
            // A code block's text keeps everything.
            if (block.type === 'code_block') expect(after).toEqual(before);
          }
          // Nothing to fix the second time.
          expect(
            revealedMarkFixes(
              mapping,
              layout,
              { blockDelta: (i) => [...(fixed[i]?.content ?? [])] },
              0,
              fixed.length,
            ),
          ).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('are looked for only after changes that can move text between nodes', () => {
    expect(mayMoveTextBetweenNodes([{ retain: 3 }, { insert: 'abc', attributes: { bold: true } }])).toBe(
      false,
    );
    expect(mayMoveTextBetweenNodes([{ retain: 3, attributes: { bold: null } }])).toBe(false);
    expect(mayMoveTextBetweenNodes([{ retain: 3 }, { delete: 1 }])).toBe(true);
    expect(mayMoveTextBetweenNodes([{ retain: 1, block: { type: 'paragraph' } }])).toBe(true);
    expect(mayMoveTextBetweenNodes([{ insert: { block: { type: 'paragraph', attrs: {} } } }])).toBe(true);
  });
});
