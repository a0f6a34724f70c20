/**
 * `Doc.releaseCount` moves exactly when an applied update releases something held for a missing
 * dependency (a struct integrated, a held deleted range some of whose ids arrived), also when the
 * held counts do not show it (part of a range released, or a release and a new hold in one
 * update); and the `'update'` event's bytes then carry what was released, so a replica that never
 * held it (it synced by state vector, which leaves held structs out) ends equal.
 */
import { applyUpdate, Doc, encodeStateAsUpdate, encodeStateVector, mergeUpdates } from '@accord/core';
import { describe, expect, it } from 'vitest';
import { makeDoc } from './helpers.js';

/** An author whose every transaction's update is returned. */
function author(clientId: number) {
  const doc = makeDoc(clientId);
  const log: Uint8Array[] = [];
  doc.on('update', (u) => log.push(u));
  const last = () => log.at(-1) as Uint8Array;
  return {
    doc,
    type(s: string): Uint8Array {
      doc.getText('t').insert(doc.getText('t').length, s);
      return last();
    },
    erase(index: number, len: number): Uint8Array {
      doc.getText('t').delete(index, len);
      return last();
    },
  };
}

/** How much `doc.releaseCount` moves while `update` is applied, and the `'update'` event's bytes. */
function apply(doc: Doc, update: Uint8Array): { released: number; event: Uint8Array | null } {
  let event: Uint8Array | null = null;
  const listen = (u: Uint8Array) => {
    event = u;
  };
  const before = doc.releaseCount;
  doc.on('update', listen);
  try {
    applyUpdate(doc, update);
  } finally {
    doc.off('update', listen);
  }
  return { released: doc.releaseCount - before, event };
}

/** A replica synced from `doc` by state vector: it lacks what `doc` holds. */
function syncedFrom(doc: Doc): Doc {
  const copy = new Doc({ clientId: 1000 });
  applyUpdate(copy, encodeStateAsUpdate(doc, encodeStateVector(copy)));
  return copy;
}

function expectEqual(a: Doc, b: Doc): void {
  expect(a.getText('t').toString()).toBe(b.getText('t').toString());
  expect(encodeStateVector(a)).toEqual(encodeStateVector(b));
}

describe('Doc.releaseCount', () => {
  it('moves when a held struct is integrated, not while it is held or applied again', () => {
    const a = author(1);
    const d = a.type('ab');
    const p = a.type('cd');
    const doc = makeDoc(2);
    expect(apply(doc, p).released).toBe(0);
    expect(apply(doc, p).released).toBe(0);
    expect(doc.pendingCount).toBe(1);
    const late = syncedFrom(doc);
    const { released, event } = apply(doc, d);
    expect(released).toBe(1);
    expect(doc.getText('t').toString()).toBe('abcd');
    // The event holds the released struct: the replica that lacked it gets it from there alone.
    applyUpdate(late, event as unknown as Uint8Array);
    expectEqual(late, doc);
    expect(apply(doc, p).released).toBe(0);
    expect(apply(doc, d).released).toBe(0);
  });

  it('does not move for updates that release nothing while something is held', () => {
    const a = author(1);
    a.type('x');
    const p = a.type('y');
    const b = author(3);
    const doc = makeDoc(2);
    apply(doc, p);
    for (const s of ['1', '2', '3']) expect(apply(doc, b.type(s)).released).toBe(0);
    expect(doc.pendingCount).toBe(1);
    expect(doc.getText('t').toString()).toBe('123');
  });

  it('moves when a release and a new hold leave the held count as it was', () => {
    const a = author(1);
    const d = a.type('1');
    const p = a.type('2');
    const b = author(3);
    const x = b.type('x');
    const q = b.type('y');
    const doc = makeDoc(2);
    apply(doc, p);
    const late = syncedFrom(doc);
    const { released, event } = apply(doc, mergeUpdates([d, q]));
    expect(released).toBe(1);
    expect(doc.pendingCount).toBe(1); // p released, q held
    applyUpdate(late, event as unknown as Uint8Array);
    expectEqual(late, doc);
    expect(apply(doc, x).released).toBe(1);
    expect(doc.pendingCount).toBe(0);
  });

  it('moves for each part of a held deletion as its ids arrive; the event deletes them', () => {
    const a = author(1);
    const first = a.type('abcde');
    const second = a.type('fghij');
    const erased = a.erase(3, 4); // d e f g
    const doc = makeDoc(2);
    expect(apply(doc, erased).released).toBe(0);
    expect(doc.pendingDeleteCount).toBe(1);
    const late = syncedFrom(doc);
    const one = apply(doc, first);
    expect(one.released).toBe(1);
    expect(doc.pendingDeleteCount).toBe(1); // f g still held
    expect(doc.getText('t').toString()).toBe('abc');
    applyUpdate(late, one.event as unknown as Uint8Array);
    expectEqual(late, doc);
    const two = apply(doc, second);
    expect(two.released).toBe(1);
    expect(doc.pendingDeleteCount).toBe(0);
    applyUpdate(late, two.event as unknown as Uint8Array);
    expectEqual(late, doc);
    expect(late.getText('t').toString()).toBe('abchij');
  });

  it('does not move for an update refused after it unblocked held structs', () => {
    const a = author(1);
    const d = a.type('1');
    const p = a.type('2');
    const doc = new Doc({ clientId: 2, maxPending: 2 });
    apply(doc, p);
    // Three structs of other authors waiting for what never comes: more than maxPending.
    const orphans = [4, 5, 6].map((id) => {
      const o = author(id);
      o.type('x');
      return o.type('y');
    });
    expect(() => applyUpdate(doc, mergeUpdates([d, ...orphans]))).toThrow(
      expect.objectContaining({ code: 'too-large' }),
    );
    expect(doc.releaseCount).toBe(0);
    expect(doc.pendingCount).toBe(1);
    expect(apply(doc, d).released).toBe(1);
  });
});
