import { applyUpdate, Doc, decodeStateVector, encodeStateVector } from '@accord/core';
import { DecodeError } from '@accord/core/protocol';
import { describe, expect, it } from 'vitest';
import { SessionVector } from '../src/session-vector.js';

/** A document of replica `id` with one update per string typed, and those updates. */
function typed(id: number, steps: string[]): { doc: Doc; updates: Uint8Array[] } {
  const doc = new Doc({ clientId: id });
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  for (const s of steps) doc.getText('t').insert(0, s);
  return { doc, updates };
}

describe('SessionVector', () => {
  it('is what the session read plus its acknowledged writes, never its pending ones', () => {
    const other = typed(2, ['hello']);
    const { doc, updates: all } = typed(1, ['a', 'bc', 'def']);
    const updates = all.slice(); // this replica's own three
    applyUpdate(doc, other.updates[0]!); // read from a relay
    const s = new SessionVector(undefined);
    // The first update acknowledged, the other two pending.
    const v = decodeStateVector(s.current(encodeStateVector(doc), updates.slice(1)));
    expect(v).toEqual(
      new Map([
        [1, 1],
        [2, 5],
      ]),
    );
    // Nothing to ask of a node: the document holds its own session (the provider sends what the
    // node lacks itself).
    expect(s.toAsk(encodeStateVector(doc), updates.slice(1))).toBeUndefined();
  });

  it('a resumed session asks the node for what its fresh document lacks', () => {
    const earlier = typed(1, ['abc']);
    const carried = new SessionVector(undefined).current(encodeStateVector(earlier.doc), []);
    const resumed = new SessionVector(carried);
    const fresh = new Doc({ clientId: 9 });
    const ask = resumed.toAsk(encodeStateVector(fresh), []);
    expect(ask && decodeStateVector(ask)).toEqual(new Map([[1, 3]]));
    // Once the document holds it (the node served it), nothing is asked any more, and the
    // vector keeps what was carried.
    applyUpdate(fresh, earlier.updates[0]!);
    expect(resumed.toAsk(encodeStateVector(fresh), [])).toBeUndefined();
    expect(decodeStateVector(resumed.current(encodeStateVector(new Doc()), []))).toEqual(new Map([[1, 3]]));
  });

  it('refuses a malformed resumed vector with DecodeError', () => {
    expect(() => new SessionVector(new Uint8Array([5]))).toThrow(DecodeError);
  });
});
