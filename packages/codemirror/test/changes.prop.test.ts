/**
 * The pure mapping between CodeMirror change sets and Accord text changes, checked against real
 * Accord texts and real change sets with random edits (fast-check; a failure prints its seed).
 */
import { Doc } from '@accord/core';
import { ChangeSet, Text as CMText } from '@codemirror/state';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  caretAfterChanges,
  changeSetToSplices,
  LINE_SEPARATOR,
  rebase,
  textChangesToChangeSet,
} from '../src/changes.js';

const alphabet = fc.constantFrom('a', 'b', 'c', ' ', '\n', '\r', 'é', '日');
const str = (max: number) => fc.array(alphabet, { maxLength: max }).map((chars) => chars.join(''));

/** A random change set over a document of `length` characters (sorted, non-overlapping ranges). */
function changeSetArb(length: number): fc.Arbitrary<ChangeSet> {
  return fc.array(fc.tuple(fc.nat(length), fc.nat(length), str(4)), { maxLength: 5 }).map((edits) => {
    const specs: { from: number; to: number; insert: string }[] = [];
    let floor = 0;
    for (const [a, b, insert] of edits
      .map(([x, y, s]) => [Math.min(x, y), Math.max(x, y), s] as const)
      .sort((p, q) => p[0] - q[0])) {
      if (a < floor) continue;
      specs.push({ from: a, to: b, insert });
      floor = b + 1;
    }
    return ChangeSet.of(specs, length, LINE_SEPARATOR);
  });
}

const docAndChanges = str(30).chain((doc) => fc.tuple(fc.constant(doc), changeSetArb(doc.length)));

function cm(doc: string): CMText {
  return CMText.of(doc.split(LINE_SEPARATOR));
}

describe('changeSetToSplices', () => {
  it('applied in order to an Accord text, gives what the change set gives', () => {
    fc.assert(
      fc.property(docAndChanges, ([doc, changes]) => {
        const text = new Doc().getText('t');
        text.insert(0, doc);
        for (const s of changeSetToSplices(changes)) {
          if (s.deleteCount > 0) text.delete(s.index, s.deleteCount);
          if (s.insert.length > 0) text.insert(s.index, s.insert);
        }
        expect(text.toString()).toBe(changes.apply(cm(doc)).toString());
      }),
    );
  });

  it('gives one splice per changed range, the later ones shifted by the earlier', () => {
    const changes = ChangeSet.of(
      [
        { from: 1, to: 3, insert: 'XYZ' },
        { from: 5, insert: '!' },
      ],
      6,
    );
    expect(changeSetToSplices(changes)).toEqual([
      { index: 1, deleteCount: 2, insert: 'XYZ' },
      { index: 6, deleteCount: 0, insert: '!' },
    ]);
  });
});

describe('textChangesToChangeSet', () => {
  it("applied to the editor's document, gives the Accord text after the transaction", () => {
    fc.assert(
      fc.property(
        str(20),
        fc.array(fc.tuple(fc.nat(40), fc.nat(5), str(4)), { minLength: 1, maxLength: 6 }),
        (initial, edits) => {
          const doc = new Doc();
          const text = doc.getText('t');
          text.insert(0, initial);
          const events: { index: number; insert?: string | unknown[]; delete?: number }[] = [];
          const off = text.observe((event) => events.push(...event.changes));
          doc.transact(() => {
            for (const [at, del, insert] of edits) {
              const index = at % (text.length + 1);
              const count = Math.min(del, text.length - index);
              if (count > 0) text.delete(index, count);
              if (insert) text.insert(index, insert);
            }
          });
          off();
          const changes = textChangesToChangeSet(events, initial.length);
          expect(changes.apply(cm(initial)).toString()).toBe(text.toString());
        },
      ),
    );
  });

  it('keeps "\\r" as one character, so lengths agree on both sides', () => {
    const changes = textChangesToChangeSet([{ index: 1, insert: 'a\r\nb' }], 2);
    const after = changes.apply(cm('xy'));
    expect(after.length).toBe(6);
    expect(after.toString()).toBe('xa\r\nby');
  });

  it('is empty for no changes and rejects a change outside the document', () => {
    expect(textChangesToChangeSet([], 3).empty).toBe(true);
    expect(() => textChangesToChangeSet([{ index: 5, delete: 1 }], 3)).toThrow(RangeError);
  });
});

describe('rebase', () => {
  it('local then pending equals pending then local, on both sides of a composition', () => {
    const twoChanges = str(20).chain((doc) =>
      fc.tuple(fc.constant(doc), changeSetArb(doc.length), changeSetArb(doc.length)),
    );
    fc.assert(
      fc.property(twoChanges, ([doc, local, pending]) => {
        const rebased = rebase(local, pending);
        // The editor applies local, then (after the composition) the rebased pending changes;
        // Accord had the pending changes and gets the rebased local change.
        const editor = rebased.pending.apply(local.apply(cm(doc))).toString();
        const accord = rebased.local.apply(pending.apply(cm(doc))).toString();
        expect(editor).toBe(accord);
      }),
    );
  });
});

describe('caretAfterChanges', () => {
  it('is the end of the last insertion, or where the last deletion was', () => {
    expect(caretAfterChanges(ChangeSet.of([{ from: 0, insert: 'mine' }], 7))).toBe(4);
    expect(caretAfterChanges(ChangeSet.of([{ from: 0, to: 4 }], 11))).toBe(0);
    expect(
      caretAfterChanges(
        ChangeSet.of(
          [
            { from: 0, insert: 'a' },
            { from: 3, to: 5 },
          ],
          6,
        ),
      ),
    ).toBe(4);
    expect(caretAfterChanges(ChangeSet.empty(3))).toBeUndefined();
  });
});
