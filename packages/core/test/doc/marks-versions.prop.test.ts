/** Restoring a version of a formatted text brings its formatting back too. */
import { applyUpdate, Doc, encodeStateAsUpdate, restoreVersion } from '@accord/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { richEdit, richEditArgs } from '../arbitraries/rich-text.js';

const STRINGS = ['a', 'bc', 'xyz', '😀'];

function copyOf(doc: Doc): Doc {
  const c = new Doc({ clientId: 99 });
  applyUpdate(c, encodeStateAsUpdate(doc));
  return c;
}

describe('restoring a formatted version (property)', () => {
  it('shows the version again, text and formatting, in one transaction', () => {
    fc.assert(
      fc.property(
        fc.array(richEditArgs, { minLength: 0, maxLength: 15 }),
        fc.array(richEditArgs, { minLength: 1, maxLength: 15 }),
        (first, second) => {
          let now = 1_000_000;
          const doc = new Doc({ clientId: 1, now: () => now++ });
          const t = doc.getText('t');
          for (const e of first) richEdit(t, e, STRINGS);
          const version = copyOf(doc);
          for (const e of second) richEdit(t, e, STRINGS);
          let updates = 0;
          doc.on('update', () => updates++);
          restoreVersion(doc, version);
          expect(t.toDelta()).toEqual(version.getText('t').toDelta());
          expect(updates).toBeLessThanOrEqual(1);
          // Replicas that receive the restore agree.
          expect(copyOf(doc).getText('t').toDelta()).toEqual(t.toDelta());
        },
      ),
      { numRuns: 200 },
    );
  });
});
