import { applyUpdate, Doc, encodeStateAsUpdate, type Text } from '@accord/core';
import { expect } from 'vitest';

/**
 * The formatting of ranges of `t` (the root text `t` of `doc`, read range by range, then unit by
 * unit) and its delta equal those of a fresh replica loaded from `doc`'s state, which resolves
 * every mark from its anchors.
 */
export function sameAsFresh(doc: Doc, t: Text): void {
  const copy = new Doc({ clientId: 99 });
  applyUpdate(copy, encodeStateAsUpdate(doc));
  const fresh = copy.getText('t');
  // Ranges first: marks waiting to be merged are then read from their anchors.
  for (let from = 0; from < t.length; from += 5) {
    const to = Math.min(t.length, from + 1 + (from % 13));
    expect(t.spansIn(from, to)).toEqual(fresh.spansIn(from, to));
  }
  for (let i = 0; i < t.length; i++) expect(t.attributesAt(i)).toEqual(fresh.attributesAt(i));
  expect(t.toDelta()).toEqual(fresh.toDelta());
}
