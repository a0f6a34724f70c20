import { applyUpdate, type Doc, encodeStateAsUpdate, mergeUpdates } from '@accord/core';
import { describe, expect, it } from 'vitest';
import { makeDoc } from '../sync/helpers.js';

/** The `'update'` events `doc` emits while `fn` runs. */
function emitted(doc: Doc, fn: () => void): Uint8Array[] {
  const out: Uint8Array[] = [];
  const grab = (u: Uint8Array) => {
    out.push(u);
  };
  doc.on('update', grab);
  fn();
  doc.off('update', grab);
  return out;
}

describe("an applied update's 'update' event", () => {
  it('carries what every replica in the update added, for one replica and for several', () => {
    const writers = [11, 12, 13].map((id) => makeDoc(id));
    const parts: Uint8Array[] = [];
    writers.forEach((w, i) => {
      w.getText('t').insert(0, `w${i} `);
      w.getList('l').push(i);
      parts.push(encodeStateAsUpdate(w));
    });
    for (const update of [parts[0] as Uint8Array, mergeUpdates(parts)]) {
      const relay = makeDoc(1);
      const events = emitted(relay, () => applyUpdate(relay, update));
      expect(events).toHaveLength(1);
      // A replica fed only the event ends up exactly like the relay.
      const follower = makeDoc(2);
      applyUpdate(follower, events[0] as Uint8Array);
      expect(follower.toJSON()).toEqual(relay.toJSON());
      expect(encodeStateAsUpdate(follower)).toEqual(encodeStateAsUpdate(relay));
    }
  });

  it('is not emitted for an update that adds nothing new, from one replica or several', () => {
    const a = makeDoc(11);
    const b = makeDoc(12);
    a.getText('t').insert(0, 'a');
    b.getText('t').insert(0, 'b');
    const both = mergeUpdates([encodeStateAsUpdate(a), encodeStateAsUpdate(b)]);
    const relay = makeDoc(1);
    applyUpdate(relay, both);
    expect(emitted(relay, () => applyUpdate(relay, both))).toHaveLength(0);
    expect(emitted(relay, () => applyUpdate(relay, encodeStateAsUpdate(a)))).toHaveLength(0);
  });
});
