/**
 * Counterexamples the Blocks property tests found, written down as scenarios (each failed before
 * its fix): the seed and test that found it are named in each.
 */
import { applyUpdate, type Blocks, Doc, encodeStateAsUpdate } from '@accord/core';
import { describe, expect, it } from 'vitest';

function makeDoc(id: number): Doc {
  let t = 1_000_000 + id;
  return new Doc({ clientId: id, now: () => t++ });
}

function texts(b: Blocks): string[] {
  return b.toJSON().map((x) => x.content.map((c) => c.insert).join(''));
}

function sync(a: Doc, b: Doc): void {
  applyUpdate(b, encodeStateAsUpdate(a));
  applyUpdate(a, encodeStateAsUpdate(b));
  expect(a.getBlocks('b').toJSON()).toEqual(b.getBlocks('b').toJSON());
}

describe('Blocks regressions', () => {
  // blocks-model.prop.test.ts, BLOCKS_SEED=1540109693.
  it('a split keeps the followers of the block split after the new block, also after a join', () => {
    const b = makeDoc(7).getBlocks('b');
    b.insertBlock(0, 'paragraph', {}, [{ insert: 'abc' }]);
    b.insertBlock(1, 'paragraph', {}, [{ insert: 'de' }]);
    b.insertBlock(2, 'paragraph', {}, [{ insert: 'f' }]);
    b.deleteRange(0, 3); // 'ab' gone, the first boundary stays
    b.deleteRange(2, 1); // the second boundary: 'c' + 'de'; the third block's place is now inside
    expect(texts(b)).toEqual(['cde', 'f']);
    const third = (b.blocks()[1] as { id: string }).id;
    const e = b.split(3); // 'cd' | 'e'
    expect(texts(b)).toEqual(['cd', 'e', 'f']);
    const cd = b.split(1); // '' | 'cd'
    expect(texts(b)).toEqual(['', 'cd', 'e', 'f']);
    expect(b.blocks().map((x) => x.id)).toEqual([b.blocks()[0]?.id, cd, e, third]);
  });

  // blocks-fuzz.prop.test.ts "raw writes", BLOCKS_SEED=-72762672: characters before the first
  // boundary were copied after it by a split, so two replicas splitting there showed them twice.
  it('characters before the first boundary split on two replicas at once show once', () => {
    const a = makeDoc(101);
    const c = makeDoc(102);
    a.getText('b').insert(0, 'x');
    a.getText('b').insert(1, '\uFDD0');
    applyUpdate(c, encodeStateAsUpdate(a));
    c.getBlocks('b').insertText(1, 'y');
    applyUpdate(a, encodeStateAsUpdate(c));
    a.getBlocks('b').split(1);
    c.getBlocks('b').split(1);
    sync(a, c);
    expect(texts(a.getBlocks('b')).join('')).toBe('yx');
  });

  it('text typed into a first block deleted at once stays, as the first paragraph, and splits once', () => {
    const a = makeDoc(1);
    const c = makeDoc(2);
    a.getBlocks('b').insertBlock(0, 'heading', { level: 1 }, [{ insert: 'ab' }]);
    a.getBlocks('b').insertBlock(1, 'paragraph', {}, [{ insert: 'cd' }]);
    applyUpdate(c, encodeStateAsUpdate(a));
    a.getBlocks('b').deleteRange(0, 3); // the whole first block
    c.getBlocks('b').insertText(3, 'XY'); // typed at its end
    sync(a, c);
    const b = a.getBlocks('b');
    expect(texts(b)).toEqual(['XY', 'cd']);
    expect(b.toJSON()[0]?.type).toBe('paragraph');
    a.getBlocks('b').split(2); // 'X' | 'Y'
    c.getBlocks('b').split(2);
    sync(a, c);
    expect(texts(b).join('')).toBe('XYcd');
    expect(texts(b)[0]).toBe('X');
    // The implicit paragraph takes block edits like any block.
    b.setBlock(0, 'heading', { level: 2 });
    expect(b.toJSON()[0]).toMatchObject({ type: 'heading', attrs: { level: 2 } });
    expect(texts(b)[0]).toBe('X');
  });
});

// blocks-fuzz.prop.test.ts "raw writes", BLOCKS_SEED=-514384075: a raw merge register naming a
// unit before every boundary is ignored, until the implicit first paragraph gets a boundary
// there; block edits that gave it one then indexed blocks that no longer showed.
describe('block edits when giving the implicit paragraph a boundary changes the layout', () => {
  function hostile(): Blocks {
    const d = makeDoc(1);
    const t = d.getText('b');
    t.insert(0, '\uFDD1y\uFDD0z\uFDD0w'); // a slot, 'y' before every boundary, 'z', 'w'
    t.format(4, 1, { '\u0000merge': ['1:0', 5, 0] }); // 'w' joins the block holding the slot
    const b = d.getBlocks('b');
    expect(texts(b)).toEqual(['y', 'z', 'w']);
    return b;
  }

  it('join, move, setBlock, deleteBlocks and deleteRange neither throw nor show a character twice', () => {
    let b = hostile();
    b.join(2);
    expect(texts(b)).toEqual(['y', 'zw']);
    const edits: ((x: Blocks) => void)[] = [
      (x) => x.join(1),
      (x) => x.move(2, 0),
      (x) => x.move(0, 2),
      (x) => x.setBlock(0, 'heading'),
      (x) => x.deleteBlocks(0, 1),
      (x) => x.deleteBlocks(1, 2),
      (x) => x.deleteRange(4, 1),
      (x) => x.deleteRange(2, 1),
    ];
    for (const edit of edits) {
      b = hostile();
      edit(b);
      const cs = texts(b).join('');
      expect(new Set(cs).size).toBe(cs.length);
    }
  });
});

describe('the implicit first paragraph (characters before every boundary)', () => {
  /** A text whose characters 'ab' precede the one boundary (whose block holds 'cd'). */
  function implicit(): Blocks {
    const d = makeDoc(3);
    d.getText('b').insert(0, 'ab\uFDD0cd');
    const b = d.getBlocks('b');
    expect(texts(b)).toEqual(['ab', 'cd']);
    return b;
  }

  it('a split at its start or end, or a delete of all its characters, leaves it there, empty', () => {
    let b = implicit();
    b.split(1);
    expect(texts(b)).toEqual(['', 'ab', 'cd']);
    b = implicit();
    b.split(3);
    expect(texts(b)).toEqual(['ab', '', 'cd']);
    b = implicit();
    b.deleteRange(1, 2);
    expect(texts(b)).toEqual(['', 'cd']);
    b = implicit();
    b.deleteRange(0, 3); // its place too: the block goes
    expect(texts(b)).toEqual(['cd']);
  });

  it('takes joins, moves, inserts and deletes of blocks like any block', () => {
    let b = implicit();
    b.join(1);
    expect(texts(b)).toEqual(['abcd']);
    b = implicit();
    b.move(0, 1);
    expect(texts(b)).toEqual(['cd', 'ab']);
    b = implicit();
    b.insertBlock(0, 'heading', {}, [{ insert: 'h' }]);
    expect(texts(b)).toEqual(['h', 'ab', 'cd']);
    b = implicit();
    b.deleteBlocks(0, 1);
    expect(texts(b)).toEqual(['cd']);
  });
});

describe('typing into an empty document on two replicas at once', () => {
  const typings: [string, (b: Blocks, s: string) => void][] = [
    ['insertText', (b, s) => b.insertText(1, s)],
    [
      'applyFlatDelta',
      (b, s) => b.applyFlatDelta([{ insert: { block: { type: 'paragraph', attrs: {} } } }, { insert: s }]),
    ],
  ];
  for (const [how, type] of typings)
    for (const aFirst of [true, false])
      it(`gives one paragraph with both texts (${how}, ${aFirst ? 'a' : 'c'}'s update first)`, () => {
        const a = makeDoc(1);
        const c = makeDoc(2);
        type(a.getBlocks('b'), 'hello');
        type(c.getBlocks('b'), 'world');
        expect(a.getBlocks('b').blockCount).toBe(1);
        const ua = encodeStateAsUpdate(a);
        const uc = encodeStateAsUpdate(c);
        const d = makeDoc(3);
        for (const u of aFirst ? [ua, uc] : [uc, ua]) applyUpdate(d, u);
        applyUpdate(a, uc);
        applyUpdate(c, ua);
        for (const x of [a, c, d]) {
          expect(x.getBlocks('b').toJSON()).toEqual(d.getBlocks('b').toJSON());
          expect(x.getBlocks('b').toJSON()).toMatchObject([{ type: 'paragraph', attrs: {} }]);
        }
        expect(['helloworld', 'worldhello']).toContain(texts(d.getBlocks('b'))[0]);
        // It edits as any paragraph: Enter in it, a block after it, a type change.
        const b = a.getBlocks('b');
        b.split(6);
        b.insertBlock(2, 'heading', {}, [{ insert: 'h' }]);
        expect(texts(b)).toHaveLength(3);
        expect(texts(b)[2]).toBe('h');
        b.setBlock(0, 'heading', { level: 1 });
        expect(b.toJSON()[0]).toMatchObject({ type: 'heading', attrs: { level: 1 } });
        expect(texts(b).join('')).toMatch(/^(helloworld|worldhello)h$/);
      });

  it('a first block with a type, attributes or no text still gets a boundary', () => {
    const b = makeDoc(1).getBlocks('b');
    b.applyFlatDelta([{ insert: { block: { type: 'heading', attrs: {} } } }, { insert: 'x' }]);
    expect(b.blocks()[0]?.id).not.toBe('virtual');
    const e = makeDoc(2).getBlocks('b');
    e.applyFlatDelta([{ insert: { block: { type: 'paragraph', attrs: {} } } }]);
    expect(e.blockCount).toBe(1);
    expect(e.blocks()[0]?.id).not.toBe('virtual');
  });
});

describe('Blocks regressions: a block with another joined into it', () => {
  // blocks-model.prop.test.ts, seed 399868421 (run 5384 of 15,000): the block after a block with
  // another joined into it (merged, that one first in the text) had its place among the joined
  // block's characters, which sorted before the new block's place right after the boundary.
  it('a block inserted after a block with a block joined into it shows there, before the one that followed', () => {
    const b = makeDoc(7).getBlocks('b');
    b.insertBlock(0, 'paragraph', {}, [{ insert: 'a' }]);
    b.split(2);
    b.split(1);
    b.insertBlock(0, 'paragraph', {}, [{ insert: 'bcd' }]);
    b.move(2, 0); // 'a' first: its boundary is now after those of 'bcd' and ''
    b.deleteRange(0, 3); // 'a' and the boundary of 'bcd': 'bcd' is joined into the first block
    b.deleteRange(3, 2); // 'd' and the boundary of '': the last block's place is among 'bc'
    expect(texts(b)).toEqual(['bc', '']);
    const last = (b.blocks()[1] as { id: string }).id;
    const inserted = b.insertBlock(1, 'paragraph', {}, [{ insert: 'e' }]);
    expect(texts(b)).toEqual(['bc', 'e', '']);
    expect(
      b
        .blocks()
        .map((x) => x.id)
        .slice(1),
    ).toEqual([inserted, last]);
  });

  // The same test and seed, run 7356, with a first fix of the above that gave the new block a
  // place among the joined block's characters: a split of a block with a block joined into it
  // (the joined one going with the new block) then made the new block follow itself.
  it('splitting a block with a block joined into it keeps the new block right after it', () => {
    const b = makeDoc(7).getBlocks('b');
    b.insertBlock(0, 'paragraph', {}, []);
    b.insertBlock(1, 'paragraph', {}, [{ insert: 'a' }]);
    b.move(0, 1);
    b.deleteRange(2, 1); // the empty block, now after 'a' but before it in the text, joins 'a'
    expect(texts(b)).toEqual(['a']);
    b.split(1);
    expect(texts(b)).toEqual(['', 'a']);
    const second = (b.blocks()[1] as { id: string }).id;
    const third = b.split(2);
    expect(texts(b)).toEqual(['', '', 'a']);
    expect(
      b
        .blocks()
        .map((x) => x.id)
        .slice(1),
    ).toEqual([second, third]);
  });
});
