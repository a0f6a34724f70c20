/**
 * A root name has one kind. Locally, asking for it with another kind throws; replicas that
 * created it concurrently with different kinds keep both, converge on the same `toJSON()` in any
 * delivery order, and lose nothing from `toJSON()` or `encodeStateAsUpdate`.
 */
import {
  AccordError,
  applyUpdate,
  type ContainerKind,
  Counter,
  type Doc,
  DocMap,
  encodeStateAsUpdate,
  encodeStateVector,
  List,
  mergeUpdates,
  Text,
} from '@accord/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeDoc } from '../sync/helpers.js';

const KINDS: readonly ContainerKind[] = ['map', 'list', 'text', 'counter'];

/** Ask `doc` for root `name` of `kind` through the typed getter. */
function get(doc: Doc, kind: ContainerKind, name: string): unknown {
  if (kind === 'map') return doc.getMap(name);
  if (kind === 'list') return doc.getList(name);
  if (kind === 'text') return doc.getText(name);
  return doc.getCounter(name);
}

/** Make `n` edits on root `name` of `kind`, each tagged with `tag`. */
function edit(doc: Doc, kind: ContainerKind, name: string, n: number, tag: string): void {
  for (let i = 0; i < n; i++) {
    const c = get(doc, kind, name);
    if (c instanceof Text) c.insert(c.length, `${tag}${i}`);
    else if (c instanceof List) c.push(`${tag}${i}`);
    else if (c instanceof DocMap) c.set(`${tag}${i}`, i);
    else if (c instanceof Counter) c.increment(i + 1);
  }
}

/** `toJSON()` without roots whose value is empty (a root only read here is not replicated). */
function view(doc: Doc): string {
  const json = doc.toJSON();
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(json)) {
    const empty = v === '' || v === 0 || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);
    if (!empty) out[k] = v;
  }
  return JSON.stringify(out);
}

describe('root kinds, locally', () => {
  it.each(KINDS.flatMap((a) => KINDS.filter((b) => b !== a).map((b) => [a, b] as const)))(
    'a root used as %s cannot be asked for as %s: AccordError naming both kinds',
    (first, second) => {
      const doc = makeDoc(1);
      edit(doc, first, 't', 1, 'x');
      const before = view(doc);
      let error: unknown;
      try {
        get(doc, second, 't');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AccordError);
      expect(error).toMatchObject({ code: 'invalid-argument' });
      expect((error as Error).message).toContain(first);
      expect((error as Error).message).toContain(second);
      expect(doc.rootKinds('t')).toEqual([first]);
      expect(view(doc)).toBe(before);
      expect(get(doc, first, 't')).toBe(get(doc, first, 't'));
    },
  );

  it('a root only read (no edits) still fixes its kind here', () => {
    const doc = makeDoc(1);
    doc.getText('t');
    expect(() => doc.getMap('t')).toThrow(/text.*map/);
    expect(doc.toJSON()).toEqual({ t: '' });
  });
});

describe('root kinds, created concurrently on different replicas', () => {
  it('keeps both: every replica shows both, and each getter still returns its own root', () => {
    const a = makeDoc(1);
    const b = makeDoc(2);
    a.getText('t').insert(0, 'hello');
    b.getMap('t').set('x', 1);
    const ua = encodeStateAsUpdate(a);
    const ub = encodeStateAsUpdate(b);
    applyUpdate(a, ub);
    applyUpdate(b, ua);
    const expected = { t: { map: { x: 1 }, text: 'hello' } };
    expect(a.toJSON()).toEqual(expected);
    expect(JSON.stringify(b.toJSON())).toBe(JSON.stringify(a.toJSON()));
    expect(b.getText('t').toString()).toBe('hello');
    expect(a.getMap('t').get('x')).toBe(1);
    expect(a.rootKinds('t')).toEqual(['map', 'text']);
    const c = makeDoc(3);
    applyUpdate(c, encodeStateAsUpdate(b));
    expect(JSON.stringify(c.toJSON())).toBe(JSON.stringify(a.toJSON()));
    expect(() => c.getList('t')).toThrow(/map and a text.*list/);
    // Resolving the conflict: move the map's content away, and the text shows alone again.
    b.getMap('t').delete('x');
    applyUpdate(a, encodeStateAsUpdate(b, encodeStateVector(a)));
    expect(a.toJSON()).toEqual({ t: 'hello' });
  });

  it('a root only read on one replica does not make a conflict the others cannot see', () => {
    const a = makeDoc(1);
    const b = makeDoc(2);
    a.getText('t');
    b.getMap('t').set('x', 1);
    applyUpdate(a, encodeStateAsUpdate(b));
    expect(a.toJSON()).toEqual({ t: { x: 1 } });
    expect(a.toJSON()).toEqual(b.toJSON());
  });

  it('converges on the same toJSON in any delivery order and loses nothing (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...KINDS), fc.nat(3)), { minLength: 3, maxLength: 3 }),
        fc.array(fc.array(fc.nat(), { minLength: 24, maxLength: 24 }), { minLength: 3, maxLength: 3 }),
        (plan, orders) => {
          const docs = plan.map((_, i) => makeDoc(i + 1));
          const updates: Uint8Array[] = [];
          docs.forEach((d, i) => {
            const [kind, n] = plan[i] as [ContainerKind, number];
            d.on('update', (u) => updates.push(u));
            get(d, kind, 't');
            edit(d, kind, 't', n, `r${i}-`);
            d.getMap('other').set(`from${i}`, i);
          });
          docs.forEach((d, i) => {
            const keys = orders[i] as number[];
            const all = [...updates, ...updates].map((u, k) => ({
              u,
              key: keys[k % keys.length] as number,
              k,
            }));
            all.sort((x, y) => x.key - y.key || x.k - y.k);
            for (const { u } of all) applyUpdate(d, u);
          });
          const fromSnapshot = makeDoc(7);
          applyUpdate(fromSnapshot, encodeStateAsUpdate(docs[1] as Doc));
          const fromMerged = makeDoc(8);
          applyUpdate(fromMerged, mergeUpdates(updates));
          const expected = view(docs[0] as Doc);
          for (const d of [...docs, fromSnapshot, fromMerged]) expect(view(d)).toBe(expected);
          // Nothing lost: every kind that got content shows it, alone or keyed by kind.
          const t = (JSON.parse(expected) as { t?: unknown }).t;
          const withContent = [...new Set(plan.filter(([, n]) => n > 0).map(([k]) => k))];
          if (withContent.length === 1)
            expect(t).toEqual(docs[0]?.findRoot(withContent[0] as ContainerKind, 't')?.toJSON());
          if (withContent.length > 1)
            expect(Object.keys(t as object)).toEqual(KINDS.filter((k) => withContent.includes(k)));
          for (const [i, [kind, n]] of plan.entries()) {
            if (n === 0) continue;
            const text = JSON.stringify(t);
            if (kind === 'counter') expect(typeof t === 'number' || text.includes('"counter"')).toBe(true);
            else expect(text).toContain(`r${i}-0`);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
