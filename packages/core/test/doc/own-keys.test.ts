/**
 * Names a replica does not choose (map keys, attribute names, from any replica) become own keys of
 * the objects a document hands out: `__proto__` is an ordinary name, never a prototype.
 */
import { Doc, encodeStateAsUpdate } from '@accord/core';
import { describe, expect, it } from 'vitest';
import { loadFast } from '../sync/helpers.js';

/** `__proto__` as an own key, as `JSON.parse` makes it. */
const withProto = (json: string) => JSON.parse(json) as Record<string, unknown>;

/** A replica from `doc`'s state, loaded as a fresh replica does. */
const replicaOf = (doc: Doc): Doc => loadFast(encodeStateAsUpdate(doc));

describe('names that Object.prototype has', () => {
  it('keeps a map key __proto__ as an entry, on this replica and another', () => {
    const doc = new Doc({ clientId: 1 });
    const m = doc.getMap('m');
    m.set('__proto__', { isAdmin: true });
    m.set('toString', 1);
    m.set('a', 2);
    for (const d of [doc, replicaOf(doc)]) {
      const json = d.getMap('m').toJSON();
      expect(Object.getPrototypeOf(json)).toBe(Object.prototype);
      expect(Object.keys(json)).toEqual(['__proto__', 'a', 'toString']);
      expect((json as { isAdmin?: unknown }).isAdmin).toBeUndefined();
      expect(Object.getOwnPropertyDescriptor(json, '__proto__')?.value).toEqual({ isAdmin: true });
      expect(JSON.stringify(d.toJSON())).toBe('{"m":{"__proto__":{"isAdmin":true},"a":2,"toString":1}}');
    }
  });

  it('deletes a map key __proto__ like any other', () => {
    const doc = new Doc({ clientId: 1 });
    const m = doc.getMap('m');
    m.set('a', 1);
    m.set('__proto__', 2);
    m.delete('__proto__');
    expect(Object.keys(m.toJSON())).toEqual(['a']);
  });

  it('gives text an attribute named __proto__ like any other, through formats, inserts and replicas', () => {
    const doc = new Doc({ clientId: 1 });
    const t = doc.getText('t');
    t.insert(0, 'abcd');
    t.format(0, 2, withProto('{"__proto__": {"x": 1}, "bold": true}'));
    t.insert(4, 'e', withProto('{"__proto__": true}'));
    t.insert(5, 'f', withProto('{"__proto__": true}'));
    for (const d of [doc, replicaOf(doc)]) {
      const text = d.getText('t');
      const delta = text.toDelta();
      expect(JSON.stringify(delta)).toBe(
        '[{"insert":"ab","attributes":{"__proto__":{"x":1},"bold":true}},{"insert":"cd"},{"insert":"ef","attributes":{"__proto__":true}}]',
      );
      const at0 = text.attributesAt(0);
      expect(Object.getPrototypeOf(at0)).toBe(Object.prototype);
      expect((at0 as { x?: unknown }).x).toBeUndefined();
      expect(Object.keys(at0).sort()).toEqual(['__proto__', 'bold']);
    }
    // Removing it is a mark too.
    t.format(0, 6, withProto('{"__proto__": null}'));
    expect(JSON.stringify(t.toDelta())).toBe(
      '[{"insert":"ab","attributes":{"bold":true}},{"insert":"cdef"}]',
    );
  });
});
