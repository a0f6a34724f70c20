/** Undo and redo of rich-text edits restore the formatted text exactly (property). */
import { Doc, UndoManager } from '@accord/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { richEdit, richEditArgs } from '../arbitraries/rich-text.js';

const STRINGS = ['a', 'bc', 'xyz'];

describe('undo of rich text (property)', () => {
  it('undo, redo and undo again give the formatted text before and after a step', () => {
    fc.assert(
      fc.property(
        fc.array(richEditArgs, { minLength: 1, maxLength: 12 }),
        fc.array(richEditArgs, { minLength: 1, maxLength: 4 }),
        (setup, step) => {
          let now = 1_000_000;
          const doc = new Doc({ clientId: 1, now: () => now++ });
          const t = doc.getText('t');
          for (const e of setup) richEdit(t, e, STRINGS);
          const undo = new UndoManager(doc, { scope: t, captureTimeout: 0 });
          const before = t.toDelta();
          doc.transact(() => {
            for (const e of step) richEdit(t, e, STRINGS);
          });
          const after = t.toDelta();
          if (!undo.canUndo()) return;
          undo.undo();
          expect(t.toDelta()).toEqual(before);
          undo.redo();
          expect(t.toDelta()).toEqual(after);
          undo.undo();
          expect(t.toDelta()).toEqual(before);
        },
      ),
      { numRuns: 300 },
    );
  });
});
