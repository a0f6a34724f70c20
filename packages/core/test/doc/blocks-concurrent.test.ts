/**
 * Blocks under concurrency, scenario by scenario: what two replicas that edit at once and then
 * sync both show (each character and block exactly once).
 */
import { applyUpdate, type Blocks, Doc, encodeStateAsUpdate } from '@accord/core';
import { describe, expect, it } from 'vitest';

function pair(setup: (b: Blocks) => void): [Doc, Doc] {
  let t = 1_000_000;
  const a = new Doc({ clientId: 1, now: () => t++ });
  // Replica 2's wall clock runs ahead: its writes are the later ones.
  let u = 2_000_000;
  const b = new Doc({ clientId: 2, now: () => u++ });
  setup(a.getBlocks('b'));
  applyUpdate(b, encodeStateAsUpdate(a));
  return [a, b];
}

function sync(a: Doc, b: Doc): void {
  applyUpdate(b, encodeStateAsUpdate(a));
  applyUpdate(a, encodeStateAsUpdate(b));
  expect(a.getBlocks('b').toJSON()).toEqual(b.getBlocks('b').toJSON());
}

function texts(d: Doc): string[] {
  return d
    .getBlocks('b')
    .toJSON()
    .map((x) => x.content.map((c) => c.insert).join(''));
}

const two = (b: Blocks): void => {
  b.insertBlock(0, 'paragraph', {}, [{ insert: 'hello world' }]);
  b.insertBlock(1, 'paragraph', {}, [{ insert: 'second' }]);
};

describe('Blocks under concurrency', () => {
  it('split + typing after the split point: the typing goes to the new block', () => {
    const [a, b] = pair(two);
    a.getBlocks('b').split(7); // 'hello ' | 'world'
    b.getBlocks('b').insertText(10, 'YY'); // 'worYYld'
    b.getBlocks('b').insertText(14, 'XX'); // end of the first block
    sync(a, b);
    expect(texts(a)).toEqual(['hello ', 'worYYldXX', 'second']);
  });

  it('split + typing at the split point: the typing shows once, on one side', () => {
    const [a, b] = pair(two);
    a.getBlocks('b').split(7);
    b.getBlocks('b').insertText(7, 'Z');
    sync(a, b);
    expect(texts(a).join('|').replace('Z', '')).toBe('hello |world|second');
    expect(texts(a).join('').split('Z').length).toBe(2);
  });

  it('join + split of the joined block: both happen, each character once', () => {
    const [a, b] = pair(two);
    a.getBlocks('b').join(1);
    b.getBlocks('b').split(16); // 'sec' | 'ond'
    sync(a, b);
    expect(texts(a)).toEqual(['hello worldsec', 'ond']);
  });

  it('two joins of the same block: one join', () => {
    const [a, b] = pair(two);
    a.getBlocks('b').join(1);
    b.getBlocks('b').join(1);
    sync(a, b);
    expect(texts(a)).toEqual(['hello worldsecond']);
  });

  it('two joins of the same moved block (merge registers): one join, no text copied', () => {
    const [a, b] = pair((x) => {
      two(x);
      x.insertBlock(2, 'heading', { level: 1 }, [{ insert: 'third' }]);
      x.move(2, 0); // third, hello world, second
    });
    expect(texts(a)).toEqual(['third', 'hello world', 'second']);
    a.getBlocks('b').join(1);
    b.getBlocks('b').join(1);
    b.getBlocks('b').insertText(6, '!'); // end of 'thirdhello world'... at 'third|hello'
    sync(a, b);
    expect(texts(a).join('|').replace('!', '')).toBe('thirdhello world|second');
  });

  it('concurrent moves of one block: the later wins, the block shows once', () => {
    const [a, b] = pair((x) => {
      for (const s of ['a', 'b', 'c', 'd']) x.insertBlock(x.blockCount, 'paragraph', {}, [{ insert: s }]);
    });
    a.getBlocks('b').move(0, 3); // b c d a
    b.getBlocks('b').move(0, 1); // b a c d, later by the clock
    sync(a, b);
    const got = texts(a);
    expect([...got].sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(got).toEqual(['b', 'a', 'c', 'd']);
  });

  it('move + typing into the moved block: the text moves with it', () => {
    const [a, b] = pair(two);
    a.getBlocks('b').move(0, 1);
    b.getBlocks('b').insertText(12, '!');
    sync(a, b);
    expect(texts(a)).toEqual(['second', 'hello world!']);
  });

  it('split + move of the split block: the new half follows the block', () => {
    const [a, b] = pair(two);
    a.getBlocks('b').split(7);
    b.getBlocks('b').move(0, 1);
    sync(a, b);
    expect(texts(a)).toEqual(['second', 'hello ', 'world']);
  });

  it('moves that make a cycle: each block once', () => {
    const [a, b] = pair((x) => {
      for (const s of ['a', 'b', 'c']) x.insertBlock(x.blockCount, 'paragraph', {}, [{ insert: s }]);
    });
    a.getBlocks('b').move(0, 1); // b a c: a after b
    b.getBlocks('b').move(1, 0); // b a c: b at front... then
    b.getBlocks('b').move(0, 2); // a c b: b after c
    a.getBlocks('b').move(2, 0); // c b a: c first
    sync(a, b);
    expect([...texts(a)].sort()).toEqual(['a', 'b', 'c']);
  });

  it('deleting a block while someone types in it keeps the typing', () => {
    const [a, b] = pair(two);
    a.getBlocks('b').deleteBlocks(0, 1);
    b.getBlocks('b').insertText(3, 'KEEP');
    sync(a, b);
    expect(texts(a).join('|')).toContain('KEEP');
    // The document stays editable, with each character once.
    const blocks = a.getBlocks('b');
    blocks.split(2);
    blocks.insertBlock(0, 'heading', { level: 1 });
    sync(a, b);
    expect(texts(b).join('').split('KEEP').length).toBe(2);
  });

  it('setBlock: last writer wins per attribute', () => {
    const [a, b] = pair(two);
    a.getBlocks('b').setBlock(0, 'heading', { level: 1, align: 'left' });
    b.getBlocks('b').setBlock(0, 'list_item', { level: 2 });
    sync(a, b);
    expect(a.getBlocks('b').blocks()[0]).toMatchObject({
      type: 'list_item',
      attrs: { level: 2, align: 'left' },
    });
  });
});
