import { applyUpdate, Doc, encodeStateAsUpdate, encodeStateVector, type Text } from '@accord/core';
import { expect } from 'vitest';

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

/** A fresh document (client `clientId`) that applied `updates`, in order. */
export function docFrom(updates: readonly Uint8Array[], clientId = 99): Doc {
  const d = makeDoc(clientId);
  for (const u of updates) applyUpdate(d, u);
  return d;
}

/** JSON of the roots `t` (text), `m` (map), `l` (list), read the same way on every replica. */
export function viewOf(doc: Doc): unknown {
  doc.getText('t');
  doc.getMap('m');
  doc.getList('l');
  return doc.toJSON();
}

/**
 * Every unit of the text `t` with its id, origins, content and deletion, in document order (ids by
 * replica id). Runs may be cut differently by the two load paths; units may not differ.
 */
export function unitsOf(doc: Doc): unknown[] {
  const ids = doc.clientIds;
  const out: unknown[] = [];
  const text = doc.getText('t') as Text;
  let visible = 0;
  for (const leaf of text.seq.index.leaves) {
    let vis = 0;
    for (const it of leaf.items) {
      expect(it.leaf).toBe(leaf);
      if (!it.deleted) vis += it.len;
      for (let k = 0; k < it.len; k++) {
        out.push([
          ids[it.client],
          it.clock + k,
          k > 0 ? ids[it.client] : it.olClient < 0 ? null : ids[it.olClient],
          k > 0 ? it.clock + k - 1 : it.olClock,
          it.orClient < 0 ? null : ids[it.orClient],
          it.orClock,
          it.deleted ? null : (it.units as string | unknown[])[k],
          it.deleted,
        ]);
      }
    }
    expect(leaf.vis).toBe(vis);
    visible += vis;
  }
  expect(text.seq.index.length).toBe(visible);
  return out;
}

/** Load `bytes` into a fresh document through the one-text fast path. */
export function loadFast(bytes: Uint8Array): Doc {
  const d = makeDoc(50);
  applyUpdate(d, bytes);
  return d;
}

/** Load `bytes` through the general path (an observer keeps every fast path away). */
export function loadGeneral(bytes: Uint8Array, clientId = 50): Doc {
  const d = makeDoc(clientId);
  d.getText('t').observe(() => {});
  applyUpdate(d, bytes);
  return d;
}
