import {
  AccordError,
  applyBlocksDelta,
  applyUpdate,
  type BlockJSON,
  type BlocksChangeEvent,
  Doc,
  encodeStateAsUpdate,
} from '@accord/core';
import { describe, expect, it } from 'vitest';

function doc(id = 1): Doc {
  let t = 1_000_000;
  return new Doc({ clientId: id, now: () => t++ });
}

/** Block types and texts, for short assertions. */
function shape(json: BlockJSON[]): string[] {
  return json.map(
    (b) =>
      `${b.type}${Object.keys(b.attrs).length > 0 ? JSON.stringify(b.attrs) : ''}:${b.content.map((c) => c.insert).join('')}`,
  );
}

describe('Blocks: local API', () => {
  it('inserts blocks, text, and reads flat positions', () => {
    const b = doc().getBlocks('b');
    expect(b.length).toBe(0);
    const p = b.insertBlock(0, 'paragraph');
    b.insertText(1, 'Hello');
    const h = b.insertBlock(0, 'heading', { level: 1 }, [{ insert: 'Title' }]);
    expect(shape(b.toJSON())).toEqual(['heading{"level":1}:Title', 'paragraph:Hello']);
    expect(b.blocks()).toEqual([
      { id: h, type: 'heading', attrs: { level: 1 }, start: 0, length: 5 },
      { id: p, type: 'paragraph', attrs: {}, start: 6, length: 5 },
    ]);
    expect(b.length).toBe(12);
    expect(b.blockCount).toBe(2);
    expect(b.blockAt(0)).toBe(0);
    expect(b.blockAt(5)).toBe(0);
    expect(b.blockAt(6)).toBe(1);
    expect(b.blockAt(11)).toBe(1);
    expect(() => b.blockAt(12)).toThrow(AccordError);
    expect(p).toMatch(/^1:\d+$/);
  });

  it('splits and joins', () => {
    const b = doc().getBlocks('b');
    b.insertBlock(0, 'heading', { level: 2 }, [{ insert: 'abcdef' }]);
    const id = b.split(4);
    expect(shape(b.toJSON())).toEqual(['heading{"level":2}:abc', 'heading{"level":2}:def']);
    expect(b.blocks()[1]?.id).toBe(id);
    b.split(8, 'paragraph', {});
    expect(shape(b.toJSON())).toEqual(['heading{"level":2}:abc', 'heading{"level":2}:def', 'paragraph:']);
    b.join(1);
    expect(shape(b.toJSON())).toEqual(['heading{"level":2}:abcdef', 'paragraph:']);
    b.insertText(8, 'xy');
    expect(shape(b.toJSON())).toEqual(['heading{"level":2}:abcdef', 'paragraph:xy']);
  });

  it('moves blocks like splice', () => {
    const b = doc().getBlocks('b');
    for (const s of ['a', 'b', 'c', 'd']) b.insertBlock(b.blockCount, 'paragraph', {}, [{ insert: s }]);
    b.move(0, 3);
    expect(shape(b.toJSON()).map((s) => s.slice(-1))).toEqual(['b', 'c', 'd', 'a']);
    b.move(3, 1);
    expect(shape(b.toJSON()).map((s) => s.slice(-1))).toEqual(['b', 'a', 'c', 'd']);
    b.move(2, 0);
    expect(shape(b.toJSON()).map((s) => s.slice(-1))).toEqual(['c', 'b', 'a', 'd']);
    b.insertText(2, 'X');
    expect(shape(b.toJSON()).map((s) => s.split(':')[1])).toEqual(['cX', 'b', 'a', 'd']);
    b.join(1);
    expect(shape(b.toJSON()).map((s) => s.split(':')[1])).toEqual(['cXb', 'a', 'd']);
  });

  it('sets types and attributes, deletes blocks and ranges, formats', () => {
    const b = doc().getBlocks('b');
    b.insertBlock(0, 'paragraph', {}, [{ insert: 'one' }]);
    b.insertBlock(1, 'paragraph', {}, [{ insert: 'two' }]);
    b.insertBlock(2, 'paragraph', {}, [{ insert: 'three' }]);
    b.setBlock(1, 'list_item', { indent: 1, kind: 'bullet' });
    b.setBlock(1, undefined, { indent: null });
    expect(shape(b.toJSON())).toEqual(['paragraph:one', 'list_item{"kind":"bullet"}:two', 'paragraph:three']);
    b.format(2, 5, { bold: true });
    expect(b.blockDelta(0)).toEqual([{ insert: 'o' }, { insert: 'ne', attributes: { bold: true } }]);
    expect(b.blockDelta(1)).toEqual([{ insert: 'tw', attributes: { bold: true } }, { insert: 'o' }]);
    b.deleteRange(3, 4); // 'e', boundary of two, 'tw'
    expect(shape(b.toJSON())).toEqual(['paragraph:ono', 'paragraph:three']);
    b.deleteBlocks(0, 1);
    expect(shape(b.toJSON())).toEqual(['paragraph:three']);
    b.deleteRange(0, b.length);
    expect(b.toJSON()).toEqual([]);
  });

  it('rejects bad arguments', () => {
    const b = doc().getBlocks('b');
    expect(() => b.insertText(0, 'x')).toThrow(AccordError);
    b.insertBlock(0, 'paragraph');
    expect(() => b.insertText(1, '\uFDD0')).toThrow(AccordError);
    expect(() => b.insertBlock(0, '')).toThrow(AccordError);
    expect(() => b.format(0, 1, { '\u0000type': 'x' })).toThrow(AccordError);
    expect(() => b.join(0)).toThrow(AccordError);
    expect(() => b.split(0)).toThrow(AccordError);
  });

  it('reports exact flat deltas in events', () => {
    const d = doc();
    const b = d.getBlocks('b');
    let state: BlockJSON[] = [];
    const events: BlocksChangeEvent[] = [];
    b.observe((ev) => {
      events.push(ev);
      state = applyBlocksDelta(state, ev.blocksDelta);
    });
    b.insertBlock(0, 'paragraph', {}, [{ insert: 'hello world' }]);
    const split = b.split(6);
    b.format(1, 3, { bold: true });
    b.setBlock(1, 'heading', { level: 1 });
    b.move(1, 0);
    b.join(1);
    expect(state).toEqual(b.toJSON());
    expect(events[1]?.blocksDelta).toEqual([
      { retain: 6 },
      { delete: 6 },
      { insert: { block: { id: split, type: 'paragraph', attrs: {} } } },
      { insert: ' world' },
    ]);
    expect(events.every((e) => e.local)).toBe(true);
  });

  it('round-trips through updates', () => {
    const d = doc();
    const b = d.getBlocks('b');
    b.insertBlock(0, 'heading', { level: 1 }, [{ insert: 'T', attributes: { italic: true } }]);
    b.insertBlock(1, 'code_block', { language: 'ts' }, [{ insert: 'let x = 1;\nx++;' }]);
    b.move(1, 0);
    const e = new Doc({ clientId: 2 });
    applyUpdate(e, encodeStateAsUpdate(d));
    expect(e.getBlocks('b').toJSON()).toEqual(b.toJSON());
  });
});
