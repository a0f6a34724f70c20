import {
  AccordError,
  anchorsEqual,
  compareAnchors,
  createAnchor,
  createEdgeAnchor,
  DecodeError,
  decodeAnchor,
  encodeAnchor,
  resolveAnchor,
  resolveAnchorInDoc,
} from '@accord/core';
import { describe, expect, it } from 'vitest';
import { makeDoc, syncBoth } from '../sync/helpers.js';

describe('cursor anchors', () => {
  it("'before' follows the unit at index, 'after' the unit before it", () => {
    const doc = makeDoc(1);
    const t = doc.getText('t');
    t.insert(0, 'abcd');
    const before = createAnchor(t, 2, 'before');
    const after = createAnchor(t, 2, 'after');
    expect(resolveAnchor(t, before)).toBe(2);
    expect(resolveAnchor(t, after)).toBe(2);
    t.insert(2, 'XY');
    expect(t.toString()).toBe('abXYcd');
    expect(resolveAnchor(t, before)).toBe(4);
    expect(resolveAnchor(t, after)).toBe(2);
    t.insert(0, '__');
    expect(resolveAnchor(t, before)).toBe(6);
    expect(resolveAnchor(t, after)).toBe(4);
    t.insert(8, '!');
    expect(resolveAnchor(t, before)).toBe(6);
  });

  it('a deleted unit resolves to where it was', () => {
    const doc = makeDoc(1);
    const t = doc.getText('t');
    t.insert(0, 'abcdef');
    const onC = createAnchor(t, 2, 'before');
    const afterC = createAnchor(t, 3, 'after');
    t.delete(1, 3);
    expect(t.toString()).toBe('aef');
    expect(resolveAnchor(t, onC)).toBe(1);
    expect(resolveAnchor(t, afterC)).toBe(1);
    t.insert(0, 'zz');
    expect(resolveAnchor(t, onC)).toBe(3);
  });

  it('edge anchors stay at the start and the end', () => {
    const doc = makeDoc(1);
    const t = doc.getText('t');
    const start = createAnchor(t, 0, 'after');
    const end = createAnchor(t, 0, 'before');
    expect(start.kind).toBe('start');
    expect(end.kind).toBe('end');
    t.insert(0, 'hello');
    expect(resolveAnchor(t, start)).toBe(0);
    expect(resolveAnchor(t, end)).toBe(5);
    expect(anchorsEqual(createEdgeAnchor(t, 'end'), end)).toBe(true);
    expect(anchorsEqual(start, end)).toBe(false);
  });

  it('resolves on another replica, across remote edits', () => {
    const a = makeDoc(1);
    const b = makeDoc(2);
    a.getText('t').insert(0, 'hello world');
    syncBoth(a, b);
    const anchor = createAnchor(a.getText('t'), 6, 'before');
    const wire = encodeAnchor(anchor);
    b.getText('t').insert(0, '>> ');
    a.getText('t').insert(5, ',');
    syncBoth(a, b);
    expect(b.getText('t').toString()).toBe('>> hello, world');
    const decoded = decodeAnchor(wire);
    expect(anchorsEqual(decoded, anchor)).toBe(true);
    expect(resolveAnchor(b.getText('t'), decoded)).toBe(10);
    expect(resolveAnchorInDoc(b, decoded)?.index).toBe(10);
  });

  it('works in lists and nested containers', () => {
    const a = makeDoc(1);
    const b = makeDoc(2);
    const inner = a.getMap('m').setText('body');
    inner.insert(0, 'nested');
    const list = a.getList('l');
    list.push(1, 2, 3);
    const ta = createAnchor(inner, 3, 'before');
    const la = createAnchor(list, 1, 'after');
    syncBoth(a, b);
    const innerB = b.getMap('m').get('body');
    b.getList('l').insert(0, 0);
    const decoded = decodeAnchor(encodeAnchor(ta));
    const found = resolveAnchorInDoc(b, decoded);
    expect(found?.container).toBe(innerB);
    expect(found?.index).toBe(3);
    expect(resolveAnchor(b.getList('l'), decodeAnchor(encodeAnchor(la)))).toBe(2);
    // Anchors of one container do not resolve in another.
    expect(resolveAnchor(b.getList('l'), decoded)).toBeNull();
    // Deleting the container makes its anchors unresolvable.
    b.getMap('m').delete('body');
    expect(resolveAnchorInDoc(b, decoded)).toBeNull();
  });

  it('does not resolve units it has not received, and compares by position', () => {
    const a = makeDoc(1);
    const b = makeDoc(2);
    a.getText('t').insert(0, 'abc');
    const anchor = createAnchor(a.getText('t'), 1);
    expect(resolveAnchor(b.getText('t'), anchor)).toBeNull();
    expect(resolveAnchorInDoc(b, anchor)).toBeNull();
    const t = a.getText('t');
    const first = createAnchor(t, 0);
    expect(compareAnchors(t, first, anchor)).toBeLessThan(0);
    expect(compareAnchors(t, anchor, first)).toBeGreaterThan(0);
    expect(compareAnchors(t, anchor, createAnchor(t, 1, 'after'))).toBe(0);
    expect(() => compareAnchors(b.getText('t'), anchor, first)).toThrow(AccordError);
  });

  it('rejects bad indexes and non-sequences', () => {
    const doc = makeDoc(1);
    const t = doc.getText('t');
    t.insert(0, 'ab');
    expect(() => createAnchor(t, 3)).toThrow(AccordError);
    expect(() => createAnchor(t, -1)).toThrow(AccordError);
    expect(() => createAnchor(doc.getMap('m') as never, 0)).toThrow(AccordError);
  });

  it('rejects malformed bytes with DecodeError', () => {
    const doc = makeDoc(1);
    const t = doc.getText('t');
    t.insert(0, 'ab');
    const good = encodeAnchor(createAnchor(t, 1));
    for (const bad of [
      new Uint8Array(),
      new Uint8Array([2, 0]),
      new Uint8Array([1, 3]),
      new Uint8Array([1, 16]),
      good.subarray(0, good.length - 1),
      new Uint8Array([...good, 0]),
      new Uint8Array(5000),
    ]) {
      expect(() => decodeAnchor(bad)).toThrow(DecodeError);
    }
  });
});
