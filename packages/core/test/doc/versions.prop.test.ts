/**
 * Versions of a document: the diff between two versions turns the older into the newer, a
 * restore makes the document show the version again as a forward change that keeps concurrent
 * edits, and a frozen document refuses every change.
 */
import {
  AccordError,
  applyUpdate,
  type DeltaOp,
  Doc,
  diffVersions,
  encodeStateAsUpdate,
  restoreVersion,
} from '@accord/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const WORDS = ['a', 'bc', 'xyz', 'hello ', '😀', '漢字'];

/** One random edit of the roots t (text), m (map), l (list), c (counter). */
function edit(doc: Doc, [kind, x, y]: [number, number, number]): void {
  const t = doc.getText('t');
  const l = doc.getList('l');
  switch (kind % 6) {
    case 0:
    case 1:
      t.insert(x % (t.length + 1), WORDS[y % WORDS.length] as string);
      return;
    case 2:
      if (t.length > 0) {
        const at = x % t.length;
        // Delete whole code points only (an emoji is two units).
        const s = t.toString();
        let end = Math.min(t.length, at + 1 + (y % 4));
        if (end < s.length && /[\udc00-\udfff]/.test(s[end] as string)) end++;
        const from = at > 0 && /[\udc00-\udfff]/.test(s[at] as string) ? at - 1 : at;
        t.delete(from, end - from);
      }
      return;
    case 3:
      if (y % 3 === 0) doc.getMap('m').delete(`k${x % 4}`);
      else doc.getMap('m').set(`k${x % 4}`, y % 2 === 0 ? y : { n: y });
      return;
    case 4:
      if (y % 3 === 0 && l.length > 0) l.delete(x % l.length, 1);
      else l.insert(x % (l.length + 1), y);
      return;
    default:
      doc.getCounter('c').increment((y % 7) - 3 || 1);
  }
}

const edits = fc.array(fc.tuple(fc.nat(), fc.nat(1000), fc.nat(1000)), { minLength: 1, maxLength: 40 });

/** The roots the edits use, read the same way on every document. */
function view(doc: Doc): unknown {
  return {
    t: doc.getText('t').toString(),
    m: doc.getMap('m').toJSON(),
    l: doc.getList('l').toArray(),
    c: doc.getCounter('c').value,
  };
}

function copyOf(doc: Doc): Doc {
  const v = new Doc({ clientId: 999 });
  applyUpdate(v, encodeStateAsUpdate(doc));
  return v;
}

function applyDelta<T extends string | unknown[]>(before: T, ops: readonly DeltaOp<T>[]): T {
  let out: string | unknown[] = typeof before === 'string' ? '' : [];
  let at = 0;
  for (const op of ops) {
    if ('retain' in op) {
      out = out.concat(before.slice(at, at + op.retain) as never);
      at += op.retain;
    } else if ('delete' in op) at += op.delete;
    else out = out.concat(op.insert as never);
  }
  return out.concat(before.slice(at) as never) as T;
}

const ATTRS: (Record<string, unknown> | undefined)[] = [
  undefined,
  { bold: true },
  { link: 'https://a.example/' },
  { italic: true, bold: true },
  { bold: null },
  { link: null, italic: null },
];

/** One random edit of text t with formatting: insert with attributes, format a range, delete. */
function richEdit(doc: Doc, [kind, x, y]: [number, number, number]): void {
  const t = doc.getText('t');
  const attrs = ATTRS[y % ATTRS.length];
  const clean = attrs && Object.fromEntries(Object.entries(attrs).filter(([, v]) => v !== null));
  if (kind % 3 === 0 || t.length === 0) {
    t.insert(x % (t.length + 1), WORDS[y % WORDS.length] as string, clean);
    return;
  }
  const at = x % t.length;
  const n = Math.min(t.length - at, 1 + (y % 5));
  if (kind % 3 === 1) t.format(at, n, attrs ?? { bold: null });
  else t.delete(at, n);
}

describe('versions', () => {
  it('the diff of two versions turns the older into the newer', () => {
    fc.assert(
      fc.property(edits, edits, (first, second) => {
        const doc = new Doc({ clientId: 1 });
        for (const e of first) edit(doc, e);
        const older = copyOf(doc);
        for (const e of second) edit(doc, e);
        const newer = copyOf(doc);
        const d = diffVersions(older, newer);
        const text = (x: Doc) => x.getText('t').toString();
        expect(applyDelta(text(older), d.texts.t ?? [])).toBe(text(newer));
        const list = (x: Doc) => x.getList('l').toArray();
        expect(applyDelta(list(older), d.lists.l ?? [])).toEqual(list(newer));
        const m0 = older.getMap('m').toJSON();
        const m1 = newer.getMap('m').toJSON();
        for (const { key, before, after } of d.maps.m ?? []) {
          expect(before).toEqual(m0[key]);
          expect(after).toEqual(m1[key]);
        }
        const changed = new Set((d.maps.m ?? []).map((c: { key: string }) => c.key));
        for (const k of new Set([...Object.keys(m0), ...Object.keys(m1)]))
          if (!changed.has(k)) expect(m1[k]).toEqual(m0[k]);
        expect(d.counters.c?.after ?? older.getCounter('c').value).toBe(newer.getCounter('c').value);
      }),
      { numRuns: 200 },
    );
  });

  it('the text diff carries formatting: applied to the older text it gives the newer, marks included', () => {
    fc.assert(
      fc.property(edits, edits, edits, (first, second, concurrent) => {
        const doc = new Doc({ clientId: 1 });
        for (const e of first) richEdit(doc, e);
        const older = copyOf(doc);
        const other = copyOf(doc);
        for (const e of second) richEdit(doc, e);
        for (const e of concurrent) richEdit(other, e);
        applyUpdate(doc, encodeStateAsUpdate(other));
        const newer = copyOf(doc);
        const d = diffVersions(older, newer);
        const target = copyOf(older);
        target.getText('t').applyDelta([...(d.texts.t ?? [])]);
        expect(target.getText('t').toDelta()).toEqual(newer.getText('t').toDelta());
        // No op is spent on nothing: no empty op, no retain at the end without a format.
        const ops = d.texts.t ?? [];
        for (const op of ops) {
          if ('insert' in op) expect(op.insert.length).toBeGreaterThan(0);
          else if ('retain' in op) expect(op.retain).toBeGreaterThan(0);
          else expect(op.delete).toBeGreaterThan(0);
        }
        const last = ops[ops.length - 1];
        if (last !== undefined && 'retain' in last) expect(last.attributes).toBeDefined();
      }),
      { numRuns: 200 },
    );
  });

  it('names a format as a retain with the attribute patch', () => {
    const doc = new Doc({ clientId: 1 });
    const t = doc.getText('t');
    t.insert(0, 'plain bold link');
    t.format(6, 4, { italic: true });
    const older = copyOf(doc);
    t.format(6, 4, { bold: true, italic: null });
    t.format(11, 4, { link: 'https://a.example/' });
    t.insert(15, '!', { bold: true });
    const d = diffVersions(older, copyOf(doc));
    expect(d.texts.t).toEqual([
      { retain: 6 },
      { retain: 4, attributes: { bold: true, italic: null } },
      { retain: 1 },
      { retain: 4, attributes: { link: 'https://a.example/' } },
      { insert: '!', attributes: { bold: true } },
    ]);
  });

  it('names what an edit did: text deleted and inserted, keys changed', () => {
    const doc = new Doc({ clientId: 1 });
    doc.getText('t').insert(0, 'hello world');
    doc.getMap('m').set('title', 'draft');
    const older = copyOf(doc);
    doc.getText('t').delete(6, 5);
    doc.getText('t').insert(6, 'there');
    doc.getMap('m').set('title', 'final');
    const d = diffVersions(older, copyOf(doc));
    const ops = d.texts.t ?? [];
    expect(ops[0]).toEqual({ retain: 6 });
    expect(ops.slice(1)).toEqual(expect.arrayContaining([{ delete: 5 }, { insert: 'there' }]));
    expect(d.maps.m).toEqual([{ key: 'title', before: 'draft', after: 'final' }]);
  });

  it('restoring a version makes the document show it again, as a new change', () => {
    fc.assert(
      fc.property(edits, edits, (first, second) => {
        const doc = new Doc({ clientId: 1 });
        for (const e of first) edit(doc, e);
        const version = copyOf(doc);
        for (const e of second) edit(doc, e);
        const updates: Uint8Array[] = [];
        doc.on('update', (u) => updates.push(u));
        restoreVersion(doc, version);
        expect(view(doc)).toEqual(view(version));
        // One transaction; a replica that had the pre-restore state converges with it.
        expect(updates.length).toBeLessThanOrEqual(1);
      }),
      { numRuns: 200 },
    );
  });

  it('a restore keeps what other replicas wrote concurrently', () => {
    fc.assert(
      fc.property(edits, edits, fc.nat(1000), (first, second, at) => {
        const a = new Doc({ clientId: 1 });
        for (const e of first) edit(a, e);
        const version = copyOf(a);
        for (const e of second) edit(a, e);
        const b = new Doc({ clientId: 2 });
        applyUpdate(b, encodeStateAsUpdate(a));
        // b types concurrently with a's restore.
        const t = b.getText('t');
        t.insert(at % (t.length + 1), '«B»');
        restoreVersion(a, version);
        applyUpdate(a, encodeStateAsUpdate(b));
        applyUpdate(b, encodeStateAsUpdate(a));
        expect(view(a)).toEqual(view(b));
        expect(a.getText('t').toString()).toContain('«B»');
        expect(a.getText('t').toString().replace('«B»', '')).toBe(version.getText('t').toString());
      }),
      { numRuns: 150 },
    );
  });

  it('a frozen document refuses local edits and updates, and still reads', () => {
    const doc = new Doc({ clientId: 1 });
    doc.getText('t').insert(0, 'fixed');
    const other = new Doc({ clientId: 2 });
    other.getText('t').insert(0, 'more');
    doc.freeze();
    expect(doc.readOnly).toBe(true);
    expect(() => doc.getText('t').insert(0, 'x')).toThrow(AccordError);
    expect(() => applyUpdate(doc, encodeStateAsUpdate(other))).toThrow(/read-only/);
    expect(() => restoreVersion(doc, other)).toThrow(AccordError);
    expect(doc.getText('t').toString()).toBe('fixed');
    expect(doc.toJSON()).toEqual({ t: 'fixed' });
  });
});
