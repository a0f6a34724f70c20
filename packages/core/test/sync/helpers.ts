import { applyUpdate, Doc, encodeStateAsUpdate, encodeStateVector } from '@accord/core';

/** Bring `to` up to date with `from` through a state-vector diff. */
export function syncOneWay(from: Doc, to: Doc): void {
  applyUpdate(to, encodeStateAsUpdate(from, encodeStateVector(to)));
}

/** Exchange diffs both ways. */
export function syncBoth(a: Doc, b: Doc): void {
  syncOneWay(a, b);
  syncOneWay(b, a);
}

/** A document with a fixed client id and a deterministic wall clock. */
export function makeDoc(clientId: number): Doc {
  let t = 1_000_000;
  return new Doc({ clientId, now: () => t++ });
}

/** JSON of the roots `t` (text), `m` (map), `l` (list), read the same way on every replica. */
export function viewOf(doc: Doc): unknown {
  doc.getText('t');
  doc.getMap('m');
  doc.getList('l');
  return doc.toJSON();
}
