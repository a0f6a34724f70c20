import { applyUpdate, encodeStateAsUpdate, UndoManager } from '@accord/core';
import { describe, expect, it } from 'vitest';
import { makeDoc } from '../sync/helpers.js';

describe('undo of formatting', () => {
  it('undoes and redoes a format, restoring the values it replaced', () => {
    const doc = makeDoc(1);
    const t = doc.getText('t');
    t.insert(0, 'The Peritext editor');
    t.format(0, 12, { color: 'red' });
    const undo = new UndoManager(doc, { scope: t, captureTimeout: 0 });
    t.format(4, 15, { color: 'blue', bold: true });
    expect(t.toDelta()).toEqual([
      { insert: 'The ', attributes: { color: 'red' } },
      { insert: 'Peritext editor', attributes: { bold: true, color: 'blue' } },
    ]);
    undo.undo();
    expect(t.toDelta()).toEqual([
      { insert: 'The Peritext', attributes: { color: 'red' } },
      { insert: ' editor' },
    ]);
    undo.redo();
    expect(t.toDelta()).toEqual([
      { insert: 'The ', attributes: { color: 'red' } },
      { insert: 'Peritext editor', attributes: { bold: true, color: 'blue' } },
    ]);
    undo.undo();
    expect(t.toDelta()).toEqual([
      { insert: 'The Peritext', attributes: { color: 'red' } },
      { insert: ' editor' },
    ]);
  });

  it("keeps another replica's formatting made since", () => {
    const a = makeDoc(1);
    const t = a.getText('t');
    t.insert(0, 'abcdef');
    const undo = new UndoManager(a, { scope: t, captureTimeout: 0 });
    t.format(0, 6, { bold: true });
    const b = makeDoc(2);
    applyUpdate(b, encodeStateAsUpdate(a));
    b.getText('t').format(2, 2, { italic: true });
    applyUpdate(a, encodeStateAsUpdate(b));
    undo.undo();
    expect(t.toDelta()).toEqual([
      { insert: 'ab' },
      { insert: 'cd', attributes: { italic: true } },
      { insert: 'ef' },
    ]);
    // The revert syncs like any edit.
    applyUpdate(b, encodeStateAsUpdate(a));
    expect(b.getText('t').toDelta()).toEqual(t.toDelta());
  });

  it('undoes an insert with attributes as one step', () => {
    const doc = makeDoc(1);
    const t = doc.getText('t');
    t.insert(0, 'ab');
    const undo = new UndoManager(doc, { scope: t, captureTimeout: 0 });
    t.insert(1, 'XY', { link: 'u' });
    undo.undo();
    expect(t.toDelta()).toEqual([{ insert: 'ab' }]);
    undo.redo();
    expect(t.toString()).toBe('aXYb');
  });

  it('brings deleted text back with the formatting it had', () => {
    const doc = makeDoc(1);
    const t = doc.getText('t');
    t.insert(0, 'The Peritext editor');
    t.format(4, 8, { bold: true });
    t.format(6, 8, { link: 'u' });
    const before = t.toDelta();
    const undo = new UndoManager(doc, { scope: t, captureTimeout: 0 });
    // The whole bold word, then a range across the edges of both marks.
    t.delete(4, 8);
    undo.undo();
    expect(t.toDelta()).toEqual(before);
    t.delete(2, 14);
    undo.undo();
    expect(t.toDelta()).toEqual(before);
    undo.redo();
    expect(t.toString()).toBe('Thtor');
    undo.undo();
    expect(t.toDelta()).toEqual(before);
  });
});
