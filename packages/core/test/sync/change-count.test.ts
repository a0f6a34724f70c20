/**
 * `Doc.changeCount` moves exactly when a transaction changes the document: a local edit, or an
 * applied update that integrates a struct or deletes a live id. An update the document already
 * holds (applied again, or covered by a snapshot) leaves it as it was, on the keystroke fast path,
 * the general path and the snapshot load alike; an update held for a missing dependency is no
 * change until the dependency arrives.
 */
import { applyUpdate, Doc, encodeStateAsUpdate, mergeUpdates } from '@accord/core';
import { describe, expect, it } from 'vitest';
import { makeDoc } from './helpers.js';

/** The updates `edit` makes on `doc`, one per transaction. */
function updatesOf(doc: Doc, edit: () => void): Uint8Array[] {
  const out: Uint8Array[] = [];
  const listen = (u: Uint8Array) => out.push(u);
  doc.on('update', listen);
  edit();
  doc.off('update', listen);
  return out;
}

/** How much `doc.changeCount` moves while `fn` runs. */
function changesDuring(doc: Doc, fn: () => void): number {
  const before = doc.changeCount;
  fn();
  return doc.changeCount - before;
}

describe('Doc.changeCount', () => {
  it('counts local transactions that change the document, not empty ones', () => {
    const doc = makeDoc(1);
    const t = doc.getText('t');
    expect(changesDuring(doc, () => t.insert(0, 'ab'))).toBe(1);
    expect(changesDuring(doc, () => doc.transact(() => {}))).toBe(0);
    expect(
      changesDuring(doc, () =>
        doc.transact(() => {
          t.insert(2, 'c');
          doc.getMap('m').set('k', 1);
        }),
      ),
    ).toBe(1);
    expect(changesDuring(doc, () => t.delete(0, 1))).toBe(1);
  });

  it('moves for a keystroke applied once, not for the same keystroke again', () => {
    const a = makeDoc(1);
    const b = makeDoc(2);
    b.getText('t'); // the root exists: keystrokes take the fast path
    const typed = updatesOf(a, () => {
      for (const ch of 'hello') a.getText('t').insert(a.getText('t').length, ch);
    });
    const erased = updatesOf(a, () => a.getText('t').delete(1, 2));
    for (const u of [...typed, ...erased]) {
      expect(changesDuring(b, () => applyUpdate(b, u))).toBe(1);
      expect(changesDuring(b, () => applyUpdate(b, u))).toBe(0);
    }
    expect(b.getText('t').toString()).toBe('hlo');
  });

  it('moves for a general update and a snapshot only when they bring something new', () => {
    const a = makeDoc(1);
    const b = makeDoc(2);
    a.transact(() => {
      a.getText('t').insert(0, 'xyz');
      a.getMap('m').set('k', 'v');
      a.getList('l').insert(0, [1, 2]);
    });
    const full = encodeStateAsUpdate(a);
    expect(changesDuring(b, () => applyUpdate(b, full))).toBe(1); // fast snapshot load
    expect(changesDuring(b, () => applyUpdate(b, full))).toBe(0);
    const [more] = updatesOf(a, () => a.getMap('m').set('k', 'w'));
    if (more === undefined) throw new Error('no update');
    // Partly new: the snapshot again with one new write.
    expect(changesDuring(b, () => applyUpdate(b, mergeUpdates([full, more])))).toBe(1);
    expect(changesDuring(b, () => applyUpdate(b, more))).toBe(0);
    expect(changesDuring(b, () => applyUpdate(b, encodeStateAsUpdate(a)))).toBe(0);
    expect(b.toJSON()).toEqual(a.toJSON());
  });

  it('does not move while an update waits for a dependency; moves once it arrives', () => {
    const a = makeDoc(1);
    const b = makeDoc(2);
    const [first, second] = updatesOf(a, () => {
      a.getText('t').insert(0, 'a');
      a.getText('t').insert(1, 'b');
    });
    if (first === undefined || second === undefined) throw new Error('expected two updates');
    expect(changesDuring(b, () => applyUpdate(b, second))).toBe(0);
    expect(b.pendingCount).toBe(1);
    expect(changesDuring(b, () => applyUpdate(b, second))).toBe(0);
    expect(b.pendingCount).toBe(1); // not held twice
    expect(changesDuring(b, () => applyUpdate(b, first))).toBe(1);
    expect(b.pendingCount).toBe(0);
    expect(b.getText('t').toString()).toBe('ab');
  });

  it("moves exactly when the 'update' event fires", () => {
    const a = makeDoc(1);
    const b = new Doc({ clientId: 2 });
    const updates = updatesOf(a, () => {
      for (let i = 0; i < 30; i++) {
        const t = a.getText('t');
        if (i % 4 === 3) t.delete(i % t.length, 1);
        else t.insert((i * 7) % (t.length + 1), `${i}`);
        if (i % 5 === 0) a.getMap('m').set(`k${i % 3}`, i);
      }
    });
    let events = 0;
    b.on('update', () => events++);
    // Every update twice, some out of order (held first, integrated later).
    const order = updates.flatMap((u, i) => (i % 6 === 1 ? [] : [u, u]));
    const late = updates.filter((_, i) => i % 6 === 1);
    for (const u of [...order, ...late, ...late]) {
      const before = events;
      const moved = changesDuring(b, () => applyUpdate(b, u));
      expect(moved).toBe(events - before);
    }
    expect(b.toJSON()).toEqual(a.toJSON());
  });
});
