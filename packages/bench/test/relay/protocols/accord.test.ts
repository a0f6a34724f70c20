import * as core from '@accord/core';
import { mergeUpdates } from '@accord/core';
import { describe, expect, it } from 'vitest';
import type { AccordCoreApi } from '../../../src/accord/core-api.js';
import { accordProtocol } from '../../../src/relay/protocols/accord.js';

const protocol = accordProtocol(core as unknown as AccordCoreApi);

describe('accord load protocol', () => {
  it('names the unit each pre-encoded update inserts, and finds them inside a merged update', () => {
    const a = protocol.makeUpdates(3, 6);
    const b = protocol.makeUpdates(4, 6);
    for (const u of a) expect(protocol.unitsOf?.(u.payload)).toEqual([[...(u.unit ?? []), 1]]);
    expect(a.map((u) => u.unit?.[1])).toEqual([0, 1, 2, 3, 4, 5]);
    expect(new Set([...a, ...b].map((u) => u.unit?.[0])).size).toBe(2);
    // A relay's catch-up: updates 2..4 of one client and 1 of the other, in one update.
    const merged = mergeUpdates([a[2], a[3], a[4], b[1]].map((u) => (u as { payload: Uint8Array }).payload));
    const units = new Set<string>();
    for (const [replica, clock, count] of protocol.unitsOf?.(merged) ?? [])
      for (let j = 0; j < count; j++) units.add(`${replica}:${clock + j}`);
    const want = [a[2], a[3], a[4], b[1]].map((u) => `${u?.unit?.[0]}:${u?.unit?.[1]}`);
    expect([...units].sort()).toEqual(want.sort());
  });

  it('lists nothing for bytes that are not an update, without throwing', () => {
    expect(protocol.unitsOf?.(new Uint8Array([1, 2, 3]))).toEqual([]);
    expect(protocol.unitsOf?.(new Uint8Array(0))).toEqual([]);
  });
});
