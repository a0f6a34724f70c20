import {
  AccordError,
  applyUpdate,
  Doc,
  diffUpdate,
  encodeStateAsUpdate,
  encodeStateVector,
  markExpands,
  mergeUpdates,
} from '@accord/core';
import { coverageOf } from '@accord/core/protocol';
import { describe, expect, it } from 'vitest';
import { makeDoc, syncBoth } from '../sync/helpers.js';

describe('Text marks: local API', () => {
  it('inserts with attributes and reads them back as a delta', () => {
    const t = makeDoc(1).getText('t');
    t.insert(0, 'Hello');
    t.insert(5, ' world', { bold: true });
    expect(t.toDelta()).toEqual([{ insert: 'Hello' }, { insert: ' world', attributes: { bold: true } }]);
    expect(t.toString()).toBe('Hello world');
    expect(t.attributesAt(6)).toEqual({ bold: true });
    expect(t.attributesAt(0)).toEqual({});
  });

  it('gives inserted text exactly its attributes, dropping inherited ones', () => {
    const t = makeDoc(1).getText('t');
    t.insert(0, 'ab', { bold: true, italic: true });
    t.insert(2, 'c', { italic: true });
    t.insert(3, 'd', {});
    t.insert(4, 'e');
    expect(t.toDelta()).toEqual([
      { insert: 'ab', attributes: { bold: true, italic: true } },
      { insert: 'c', attributes: { italic: true } },
      { insert: 'de' },
    ]);
  });

  it('inherits expanding marks when typing without attributes', () => {
    const t = makeDoc(1).getText('t');
    t.insert(0, 'ab');
    t.format(0, 2, { bold: true, link: 'x' });
    t.insert(2, 'c');
    t.insert(0, 'z');
    expect(t.toDelta()).toEqual([
      { insert: 'z' },
      { insert: 'ab', attributes: { bold: true, link: 'x' } },
      { insert: 'c', attributes: { bold: true } },
    ]);
  });

  it('formats, overrides and removes attributes', () => {
    const t = makeDoc(1).getText('t');
    t.insert(0, 'abcdef');
    t.format(0, 4, { color: 'red' });
    t.format(2, 4, { color: 'blue', bold: true });
    t.format(3, 1, { bold: null, color: null });
    expect(t.toDelta()).toEqual([
      { insert: 'ab', attributes: { color: 'red' } },
      { insert: 'c', attributes: { bold: true, color: 'blue' } },
      { insert: 'd' },
      { insert: 'ef', attributes: { bold: true, color: 'blue' } },
    ]);
  });

  it('joins neighbours with equal values, comparing objects by content', () => {
    const t = makeDoc(1).getText('t');
    t.insert(0, 'abcd');
    t.format(0, 2, { link: { href: 'a', title: 't' } });
    t.format(2, 2, { link: { title: 't', href: 'a' } });
    expect(t.toDelta()).toEqual([{ insert: 'abcd', attributes: { link: { href: 'a', title: 't' } } }]);
  });

  it('applies a delta of retains, inserts and deletes in one transaction', () => {
    const doc = makeDoc(1);
    const t = doc.getText('t');
    t.insert(0, 'Hello world');
    let updates = 0;
    doc.on('update', () => updates++);
    t.applyDelta([
      { retain: 6, attributes: { bold: true } },
      { delete: 5 },
      { insert: 'there', attributes: { italic: true } },
      { insert: '!' },
    ]);
    expect(updates).toBe(1);
    expect(t.toDelta()).toEqual([
      { insert: 'Hello ', attributes: { bold: true } },
      { insert: 'there', attributes: { italic: true } },
      { insert: '!' },
    ]);
    // A document rebuilt from the delta has the same delta.
    const u = makeDoc(2).getText('u');
    u.applyDelta(t.toDelta());
    expect(u.toDelta()).toEqual(t.toDelta());
  });

  it('refuses bad deltas and attributes without changing anything', () => {
    const t = makeDoc(1).getText('t');
    t.insert(0, 'abc');
    const bad: unknown[] = [
      [{ retain: 4 }],
      [{ retain: 1 }, { delete: 3 }],
      [{ insert: 3 }],
      [{ retain: 0 }],
      [{ retain: 1, delete: 1 }],
      [{ delete: 1, attributes: { bold: true } }],
      [{ insert: 'x', attributes: { bold: () => 1 } }],
      'nope',
    ];
    for (const d of bad) {
      expect(() => t.applyDelta(d as never)).toThrow(AccordError);
    }
    expect(() => t.format(0, 1, [] as never)).toThrow(AccordError);
    expect(() => t.format(0, 1, { '': true })).toThrow(AccordError);
    expect(() => t.format(0, 4, { bold: true })).toThrow(AccordError);
    expect(() => t.insert(0, 'x', { bold: Number.NaN })).toThrow(AccordError);
    expect(t.toDelta()).toEqual([{ insert: 'abc' }]);
  });

  it('widens a format whose edge cuts a surrogate pair', () => {
    const t = makeDoc(1).getText('t');
    t.insert(0, 'a😀b');
    t.format(2, 1, { bold: true });
    expect(t.toDelta()).toEqual([
      { insert: 'a' },
      { insert: '😀', attributes: { bold: true } },
      { insert: 'b' },
    ]);
  });

  it('says which keys expand', () => {
    expect(markExpands('bold')).toBe(true);
    expect(markExpands('italic')).toBe(true);
    expect(markExpands('color')).toBe(true);
    expect(markExpands('link')).toBe(false);
    expect(markExpands('comment')).toBe(false);
    expect(markExpands('comment:42')).toBe(false);
  });

  it('costs plain text nothing: no marks, same update bytes', () => {
    const a = makeDoc(1);
    const b = makeDoc(1);
    a.getText('t').insert(0, 'hello world');
    b.getText('t').insert(0, 'hello world', undefined);
    expect(encodeStateAsUpdate(a)).toEqual(encodeStateAsUpdate(b));
    expect(a.getText('t').marks).toBeNull();
    expect(encodeStateAsUpdate(a)[0]).toBe(2);
  });

  it('travels in updates and snapshots', () => {
    const a = makeDoc(1);
    const t = a.getText('t');
    t.insert(0, 'The Peritext editor');
    t.format(4, 8, { bold: true, link: { url: 'x' } });
    t.format(0, 3, { bold: null });
    const b = new Doc({ clientId: 2 });
    applyUpdate(b, encodeStateAsUpdate(a));
    expect(b.getText('t').toDelta()).toEqual(t.toDelta());
    const c = makeDoc(3);
    syncBoth(a, c);
    expect(c.getText('t').toDelta()).toEqual(t.toDelta());
    expect(encodeStateAsUpdate(c)).toEqual(encodeStateAsUpdate(b));
  });

  it('goes through the relay tools: merged, diffed against a state vector, covered', () => {
    const a = makeDoc(1);
    const updates: Uint8Array[] = [];
    a.on('update', (u: Uint8Array) => updates.push(u));
    const t = a.getText('t');
    t.insert(0, 'hello world');
    const b = makeDoc(2);
    applyUpdate(b, encodeStateAsUpdate(a));
    t.format(0, 5, { bold: true });
    t.insert(11, '!', { link: 'x' });
    const merged = mergeUpdates(updates);
    applyUpdate(b, diffUpdate(merged, encodeStateVector(b)));
    expect(b.getText('t').toDelta()).toEqual(t.toDelta());
    expect(encodeStateAsUpdate(b)).toEqual(encodeStateAsUpdate(a));
    // Every clock of the replica, marks included, is covered by the merged bytes.
    // 12 units and two marks (bold, and the inserted '!' given its link): clocks 0 .. 13.
    expect(coverageOf([merged]).stateVector.get(1)).toBe(a.getText('t').length + 2);
  });
});
