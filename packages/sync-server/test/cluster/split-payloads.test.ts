import { applyUpdate, Doc, encodeStateAsUpdate } from '@accord/core';
import { describe, expect, it } from 'vitest';
import type { ClusterMessage } from '../../src/cluster/messages.js';
import { sendSplit } from '../../src/cluster/split-payloads.js';

function bigDoc(): { doc: Doc; update: Uint8Array } {
  const doc = new Doc({ clientId: 5 });
  doc.getText('t').insert(0, 'a paragraph of text, 😀 and more.\n'.repeat(3000));
  doc.getMap('m').set('k', 'v');
  return { doc, update: encodeStateAsUpdate(doc) };
}

function capture(m: ClusterMessage, maxBytes: number): ClusterMessage[] {
  const out: ClusterMessage[] = [];
  sendSplit((x) => out.push(x), m, maxBytes);
  return out;
}

describe('sendSplit', () => {
  it('sends a large sync-reply as catch-up parts, then the reply with an empty update', () => {
    const { doc, update } = bigDoc();
    const sv = new Uint8Array([0]);
    const out = capture({ type: 'sync-reply', docId: 'd', reqId: 5, update, stateVector: sv }, 16 * 1024);
    const last = out.at(-1);
    expect(last?.type).toBe('sync-reply');
    expect(out.length).toBeGreaterThan(3);
    const parts = out.slice(0, -1);
    const copy = new Doc({ clientId: 6 });
    for (const p of parts) {
      expect(p).toMatchObject({ type: 'replicate', docId: 'd', updateId: 0 });
      if (p.type !== 'replicate') throw new Error('unexpected');
      expect(p.update.length).toBeLessThanOrEqual(16 * 1024);
      applyUpdate(copy, p.update);
    }
    if (last?.type !== 'sync-reply') throw new Error('unexpected');
    expect(last.stateVector).toBe(sv);
    expect(last.reqId).toBe(5);
    applyUpdate(copy, last.update);
    expect(copy.toJSON()).toEqual(doc.toJSON());
  });

  it('splits snapshot announcements and catch-up replicates; leaves client writes and small payloads alone', () => {
    const { update } = bigDoc();
    const number = { term: 2, seq: 7 };
    const ann = capture(
      {
        type: 'snapshot-announce',
        docId: 'd',
        number,
        at: 1,
        stateVector: new Uint8Array([0]),
        snapshot: update,
      },
      16 * 1024,
    );
    expect(ann.at(-1)).toMatchObject({ type: 'snapshot-announce', number });
    const last = ann.at(-1);
    if (last?.type !== 'snapshot-announce') throw new Error('unexpected');
    expect(last.snapshot.length).toBeLessThan(16);
    expect(capture({ type: 'replicate', docId: 'd', updateId: 0, update }, 16 * 1024).length).toBeGreaterThan(
      3,
    );
    const write: ClusterMessage = { type: 'replicate', docId: 'd', updateId: 9, update };
    expect(capture(write, 16 * 1024)).toEqual([write]);
    const small: ClusterMessage = {
      type: 'sync-reply',
      docId: 'd',
      reqId: 0,
      update,
      stateVector: new Uint8Array([0]),
    };
    expect(capture(small, update.length)).toEqual([small]);
  });
});
