/**
 * A `Blocks` with listeners carries its layout across text changes that leave the structure
 * alone (`shiftLayout`) and re-reads only the blocks a change met (`nextState`). Both must give
 * exactly what reading everything again gives: after every local edit and every remote update,
 * in any order, the carried layout equals a fresh `computeLayout`, and the events replay to the
 * state.
 */
import {
  applyBlocksDelta,
  applyUpdate,
  type BlockJSON,
  type Blocks,
  Doc,
  encodeStateAsUpdate,
} from '@accord/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { editMap } from '../../src/doc/blocks-edits.js';
import type { LaidBlock, Layout } from '../../src/doc/blocks-laid.js';
import { attributesFromSpans, computeLayout } from '../../src/doc/blocks-layout.js';
import { shiftLayout } from '../../src/doc/blocks-shift.js';
import { BLOCKS_SEED, blocksEdit, blocksEditArgs, freshChars } from '../arbitraries/blocks.js';

function blockShape(b: LaidBlock): unknown {
  const ids = (list: readonly LaidBlock[]): string[] => list.map((x) => x.id);
  return {
    id: b.id,
    marker: b.marker,
    seqIndex: b.seqIndex,
    type: b.type,
    attrs: b.attrs,
    runs: b.runs,
    own: b.own,
    length: b.length,
    start: b.start,
    root: b.root.id,
    parts: ids(b.parts),
    kids: ids(b.kids),
  };
}

function shape(l: Layout): unknown {
  return {
    str: l.str,
    textLength: l.textLength,
    length: l.length,
    markers: l.markers,
    slots: l.slots,
    blocks: l.blocks.map(blockShape),
    bySeq: l.bySeq.map(blockShape),
    front: l.front.map((b) => b.id),
  };
}

/** The layout read again from scratch. */
function fresh(b: Blocks): Layout {
  return computeLayout(b.text.seq, attributesFromSpans(b.text.spans()), b.text.doc.clientIds);
}

describe('carried layouts', () => {
  it('equal a fresh layout after every local edit and remote update (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(11), blocksEditArgs, fc.nat(3)), { minLength: 1, maxLength: 40 }),
        (steps) => {
          const docs: Doc[] = [];
          const mirrors: BlockJSON[][] = [];
          const chars = freshChars();
          for (let i = 0; i < 3; i++) {
            let t = 1_000_000 + 7 * i;
            const d = new Doc({ clientId: 100 + i, now: () => t++ });
            docs.push(d);
            mirrors.push([]);
            d.getBlocks('b').observe((ev) => {
              mirrors[i] = applyBlocksDelta(mirrors[i] as BlockJSON[], ev.blocksDelta);
            });
          }
          for (const [sel, args, textOnly] of steps) {
            const i = sel % 3;
            const d = docs[i] as Doc;
            // Most edits type, delete or format text (kinds 0-5): the changes a layout is carried across.
            const edit = textOnly > 0 ? [(args[0] ?? 0) % 6, ...args.slice(1)] : args;
            if (sel < 9) blocksEdit(d.getBlocks('b'), edit, chars);
            else applyUpdate(d, encodeStateAsUpdate(docs[(i + 1 + (args[0] ?? 0)) % 3] as Doc), 'remote');
            for (let k = 0; k < 3; k++) {
              const b = (docs[k] as Doc).getBlocks('b');
              expect(shape(b.layout())).toEqual(shape(fresh(b)));
              expect(mirrors[k]).toEqual(b.toJSON());
            }
          }
        },
      ),
      { numRuns: 300, ...BLOCKS_SEED },
    );
  }, 120_000);
});

describe('shiftLayout', () => {
  function doc(): Blocks {
    const d = new Doc({ clientId: 1 });
    const b = d.getBlocks('b');
    b.insertBlock(0, 'paragraph', {}, [{ insert: 'one' }]);
    b.insertBlock(1, 'heading', { level: 2 }, [{ insert: 'two' }]);
    b.insertBlock(2, 'paragraph', {}, [{ insert: 'three' }]);
    return b;
  }

  it('carries typing, deleting and inline formatting', () => {
    const b = doc();
    const before = b.layout();
    let delta: unknown = null;
    b.text.observe((ev) => {
      delta = ev.textDelta;
    });
    b.insertText(b.blocks()[1]?.start as number, 'x');
    const shifted = shiftLayout(before, editMap(delta as never), b.text.seq);
    expect(shifted).not.toBeNull();
    expect(shape(shifted as Layout)).toEqual(shape(fresh(b)));
    const mid = b.layout();
    b.format(2, 2, { bold: true });
    expect(shape(shiftLayout(mid, editMap(delta as never), b.text.seq) as Layout)).toEqual(shape(fresh(b)));
    const late = b.layout();
    b.deleteRange((b.blocks()[2]?.start as number) + 1, 3);
    expect(shape(shiftLayout(late, editMap(delta as never), b.text.seq) as Layout)).toEqual(shape(fresh(b)));
  });

  it('gives up on structural changes: a split, a join, a block type, a first paragraph appearing', () => {
    const b = doc();
    let delta: unknown = null;
    b.text.observe((ev) => {
      delta = ev.textDelta;
    });
    const edits: (() => void)[] = [
      () => b.split(3),
      () => b.join(1),
      () => b.setBlock(0, 'heading', { level: 1 }),
      () => b.deleteRange(0, 1),
    ];
    for (const edit of edits) {
      const before = b.layout();
      edit();
      expect(shiftLayout(before, editMap(delta as never), b.text.seq)).toBeNull();
    }
  });
});
