import { applyUpdate, Doc, encodeStateAsUpdate, type Text } from '@accord/core';
import { expect } from 'vitest';

/**
 * Every unit's attributes of `t` (the root text `t` of `doc`, read one by one) and its delta equal
 * those of a fresh replica loaded from `doc`'s state, which resolves every mark from its anchors.
 */
export function sameAsFresh(doc: Doc, t: Text): void {
  const copy = new Doc({ clientId: 99 });
  applyUpdate(copy, encodeStateAsUpdate(doc));
  const fresh = copy.getText('t');
  for (let i = 0; i < t.length; i++) expect(t.attributesAt(i)).toEqual(fresh.attributesAt(i));
  expect(t.toDelta()).toEqual(fresh.toDelta());
}
