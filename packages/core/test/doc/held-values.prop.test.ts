/**
 * Values a document holds are immutable wholes: neither the caller who stored an array or object
 * nor a reader of one can change a replica's state without an update (`format/held-values.ts`).
 */
import { applyUpdate, Doc, encodeStateAsUpdate } from '@accord/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/** Try to change `v` everywhere (a key, an element, nested); errors (frozen) ignored. */
function scribble(v: unknown, depth = 0): void {
  if (typeof v !== 'object' || v === null || depth > 40) return;
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    scribble(o[k], depth + 1);
    try {
      o[k] = 'changed';
    } catch {}
  }
  try {
    o.added = 1;
  } catch {}
  if (Array.isArray(v))
    try {
      v.push(1);
    } catch {}
}

describe('values held by a document (property)', () => {
  it('stay as written when the caller or a reader changes the objects afterwards', () => {
    const json = fc.jsonValue({ maxDepth: 4 }).filter((v) => !Object.is(v, -0));
    fc.assert(
      fc.property(fc.array(json, { minLength: 1, maxLength: 6 }), (generated) => {
        // Our own copies to scribble on: fast-check reuses the generated values while shrinking.
        const values = structuredClone(generated);
        const doc = new Doc({ clientId: 1 });
        const updates: Uint8Array[] = [];
        doc.on('update', (u) => updates.push(u));
        const m = doc.getMap('m');
        const l = doc.getList('l');
        const t = doc.getText('t');
        t.insert(0, 'abcdef');
        values.forEach((v, i) => {
          m.set(`k${i}`, v);
          l.push(v);
          t.format(i % 6, 1, { [`a${i}`]: v === null ? true : v });
        });
        const before = encodeStateAsUpdate(doc);
        const json = JSON.stringify(doc.toJSON());
        const delta = JSON.stringify(t.toDelta());
        // The caller's objects, and everything a reader gets back.
        for (const v of values) scribble(v);
        values.forEach((_, i) => {
          scribble(m.get(`k${i}`));
          scribble(l.get(i));
        });
        scribble(doc.toJSON());
        for (const op of t.toDelta()) scribble(op.attributes);
        expect(encodeStateAsUpdate(doc)).toEqual(before);
        expect(JSON.stringify(doc.toJSON())).toBe(json);
        expect(JSON.stringify(t.toDelta())).toBe(delta);
        // A replica from the updates holds the same, and its decoded values are held too.
        const copy = new Doc({ clientId: 2 });
        for (const u of updates) applyUpdate(copy, u);
        scribble(copy.toJSON());
        for (let i = 0; i < values.length; i++) scribble(copy.getMap('m').get(`k${i}`));
        expect(JSON.stringify(copy.toJSON())).toBe(json);
        expect(encodeStateAsUpdate(copy).length).toBe(before.length);
      }),
      { numRuns: 150 },
    );
  });
});

describe('values held by a document', () => {
  it('returns frozen objects: changing one read back throws and changes nothing', () => {
    const doc = new Doc({ clientId: 1 });
    const m = doc.getMap('m');
    const todo = { title: 'a', tags: ['x'] };
    m.set('todo', todo);
    todo.title = 'b';
    todo.tags.push('y');
    const read = m.get('todo') as { title: string; tags: string[] };
    expect(read).toEqual({ title: 'a', tags: ['x'] });
    expect(Object.isFrozen(read) && Object.isFrozen(read.tags)).toBe(true);
    expect(() => {
      read.title = 'c';
    }).toThrow(TypeError);
    expect(m.get('todo')).toEqual({ title: 'a', tags: ['x'] });
  });

  it('keeps a value it holds when it is written again (no copy)', () => {
    const doc = new Doc({ clientId: 1 });
    const m = doc.getMap('m');
    m.set('a', { x: [1, 2] });
    const a = m.get('a');
    m.set('b', a);
    doc.getList('l').push(a);
    expect(m.get('b')).toBe(a);
    expect(doc.getList('l').get(0)).toBe(a);
    const copy = new Doc({ clientId: 2 });
    applyUpdate(copy, encodeStateAsUpdate(doc));
    const decoded = copy.getMap('m').get('a');
    copy.getMap('m').set('c', decoded);
    expect(copy.getMap('m').get('c')).toBe(decoded);
    expect(Object.isFrozen(decoded)).toBe(true);
  });

  it('keeps an own __proto__ key of a stored object as an ordinary key', () => {
    const doc = new Doc({ clientId: 1 });
    const m = doc.getMap('m');
    const v = JSON.parse('{"__proto__": {"x": 1}, "y": 2}') as Record<string, unknown>;
    m.set('v', v);
    const read = m.get('v') as Record<string, unknown>;
    expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
    expect(Object.keys(read)).toEqual(['__proto__', 'y']);
    const copy = new Doc({ clientId: 2 });
    applyUpdate(copy, encodeStateAsUpdate(doc));
    expect(Object.keys(copy.getMap('m').get('v') as object)).toEqual(['__proto__', 'y']);
  });
});
