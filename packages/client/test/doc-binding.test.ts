import { applyUpdate, DecodeError, Doc } from '@accord/core';
import { describe, expect, it } from 'vitest';
import { bindDoc } from '../src/doc-binding.js';

describe('bindDoc', () => {
  it('reports nothing to send for an empty document or a peer that has everything', () => {
    const doc = new Doc();
    const sync = bindDoc(doc);
    expect(sync.fullState()).toBeUndefined();
    doc.getText('t').insert(0, 'hello');
    expect(sync.fullState()).toBeInstanceOf(Uint8Array);
    const peer = new Doc();
    applyUpdate(peer, sync.fullState()!);
    expect(sync.missingFor(bindDoc(peer).stateVector())).toBeUndefined();
  });

  it('missingFor carries inserts and deletions the peer lacks', () => {
    const a = new Doc();
    const b = new Doc();
    const sa = bindDoc(a);
    a.getText('t').insert(0, 'hello world');
    applyUpdate(b, sa.fullState()!);
    a.getText('t').delete(0, 6);
    a.getText('t').insert(5, '!');
    const missing = sa.missingFor(bindDoc(b).stateVector());
    expect(missing).toBeDefined();
    bindDoc(b).apply(missing!, 'test');
    expect(b.getText('t').toString()).toBe('world!');
  });

  it('merge and apply round-trip; apply rejects garbage and leaves the doc unchanged', () => {
    const a = new Doc();
    const updates: Uint8Array[] = [];
    const sa = bindDoc(a);
    const off = sa.onUpdate((u) => updates.push(u));
    a.getText('t').insert(0, 'ab');
    a.getText('t').insert(2, 'cd');
    off();
    a.getText('t').insert(4, 'ef');
    expect(updates.length).toBe(2);
    const b = new Doc();
    const sb = bindDoc(b);
    sb.apply(sa.merge(updates), null);
    expect(b.getText('t').toString()).toBe('abcd');
    expect(() => sb.apply(new Uint8Array([255, 1, 2, 3]), null)).toThrow(DecodeError);
    expect(b.getText('t').toString()).toBe('abcd');
  });

  it('passes the origin through to update listeners', () => {
    const a = new Doc();
    const b = new Doc();
    a.getText('t').insert(0, 'x');
    const origins: unknown[] = [];
    bindDoc(b).onUpdate((_u, origin) => origins.push(origin));
    const marker = {};
    bindDoc(b).apply(bindDoc(a).fullState()!, marker);
    expect(origins).toEqual([marker]);
  });
});
