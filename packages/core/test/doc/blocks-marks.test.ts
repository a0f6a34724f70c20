/**
 * The per-unit index of block keys (`BlockMarkIndex`) gives every boundary the type, attributes
 * and registers the text's formatting gives it: for concurrent writes in either arrival order,
 * and for marks with block keys over several units (raw text writes), which the index leaves to
 * the resolved formatting.
 */
import { applyUpdate, Doc, encodeStateAsUpdate } from '@accord/core';
import { describe, expect, it } from 'vitest';
import type { Blocks } from '../../src/doc/blocks.js';
import { attributesFromSpans, computeLayout } from '../../src/doc/blocks-layout.js';
import { TYPE_KEY } from '../../src/doc/blocks-units.js';

function fromSpans(b: Blocks): unknown {
  const l = computeLayout(b.text.seq, attributesFromSpans(b.text.spans()), b.text.doc.clientIds);
  return l.blocks.map((x) => ({ id: x.id, type: x.type, attrs: x.attrs }));
}

function fromLayout(b: Blocks): unknown {
  return b.layout().blocks.map((x) => ({ id: x.id, type: x.type, attrs: x.attrs }));
}

describe('block keys per unit', () => {
  it('pick the same winner of concurrent block writes in either arrival order', () => {
    let t = 1_000;
    const a = new Doc({ clientId: 1, now: () => t++ });
    const ba = a.getBlocks('b');
    ba.insertBlock(0, 'paragraph', {}, [{ insert: 'one' }]);
    ba.insertBlock(1, 'paragraph', {}, [{ insert: 'two' }]);
    const b = new Doc({ clientId: 2, now: () => t++ });
    const c = new Doc({ clientId: 3, now: () => t++ });
    applyUpdate(b, encodeStateAsUpdate(a));
    applyUpdate(c, encodeStateAsUpdate(a));
    b.getBlocks('b').setBlock(1, 'heading', { level: 1 });
    c.getBlocks('b').setBlock(1, 'heading', { level: 3, id: 'x' });
    a.getBlocks('b').setBlock(1, 'code_block', { level: null });
    const ub = encodeStateAsUpdate(b);
    const uc = encodeStateAsUpdate(c);
    const ua = encodeStateAsUpdate(a);
    const d = new Doc({ clientId: 4 });
    const e = new Doc({ clientId: 5 });
    for (const u of [ub, uc, ua]) applyUpdate(d, u);
    for (const u of [ua, uc, ub]) applyUpdate(e, u);
    const bd = d.getBlocks('b');
    const be = e.getBlocks('b');
    expect(fromLayout(bd)).toEqual(fromSpans(bd));
    expect(fromLayout(be)).toEqual(fromLayout(bd));
    // Per key, the latest write wins: client 1's type and removed level, client 3's id.
    expect(bd.blocks()[1]).toMatchObject({ type: 'code_block', attrs: { id: 'x' } });
    expect(bd.blocks()[1]?.attrs).not.toHaveProperty('level');
  });

  it('read block keys of a mark over several units from the formatting', () => {
    const a = new Doc({ clientId: 1 });
    const b = a.getBlocks('b');
    b.insertBlock(0, 'paragraph', {}, [{ insert: 'one' }]);
    b.insertBlock(1, 'paragraph', {}, [{ insert: 'two' }]);
    b.insertBlock(2, 'paragraph', {}, [{ insert: 'three' }]);
    const before = b.blocks().map((x) => x.type);
    // A raw write over the whole text: every boundary it covers takes the type.
    b.text.format(0, b.text.length, { [TYPE_KEY]: 'blockquote' });
    expect(before).toEqual(['paragraph', 'paragraph', 'paragraph']);
    expect(b.blocks().map((x) => x.type)).toEqual(['blockquote', 'blockquote', 'blockquote']);
    expect(fromLayout(b)).toEqual(fromSpans(b));
    // A later block write on one boundary wins there.
    b.setBlock(1, 'heading', { level: 2 });
    expect(b.blocks().map((x) => x.type)).toEqual(['blockquote', 'heading', 'blockquote']);
    expect(fromLayout(b)).toEqual(fromSpans(b));
  });
});
