/**
 * Rich text against a model: a sequential rich-text document written the plainest way, straight
 * from the Peritext definitions. Every character (deleted ones too) sits in one array; a mark
 * covers a character when its start anchor comes before it and its end anchor after it; the
 * latest mark of a key covering a character decides its value. Random edits on one `Text` must
 * give the model's delta after every step, and so must a replica loading its snapshot.
 */
import { applyUpdate, Doc, encodeStateAsUpdate, markExpands, type TextDeltaInsert } from '@accord/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MARK_KEYS, richEdit, richEditArgs } from '../arbitraries/rich-text.js';

interface MChar {
  id: number;
  ch: string;
  deleted: boolean;
}
/** An anchor: a character id and side, or null for an edge (start: after, end: before). */
interface MAnchor {
  id: number | null;
  after: boolean;
}
interface MMark {
  start: MAnchor;
  end: MAnchor;
  key: string;
  value: unknown;
  ts: number;
}

const canon = (v: unknown): string =>
  Array.isArray(v)
    ? `[${v.map(canon).join(',')}]`
    : typeof v === 'object' && v !== null
      ? `{${Object.keys(v)
          .sort()
          .map((k) => `${k}:${canon((v as Record<string, unknown>)[k])}`)
          .join(',')}}`
      : JSON.stringify(v);

/** The sequential rich-text model. */
class RichModel {
  chars: MChar[] = [];
  marks: MMark[] = [];
  private nextId = 0;
  private ts = 0;

  private visibleIdx(): number[] {
    const out: number[] = [];
    this.chars.forEach((c, i) => {
      if (!c.deleted) out.push(i);
    });
    return out;
  }

  private point(a: MAnchor, isStart: boolean): number {
    if (a.id === null) return isStart ? -1 : Number.POSITIVE_INFINITY;
    const p = this.chars.findIndex((c) => c.id === a.id);
    return 3 * p + (a.after ? 2 : 0);
  }

  /** Attributes of the character at array index `p`. */
  attrsAt(p: number): Record<string, unknown> {
    const best = new Map<string, MMark>();
    for (const m of this.marks) {
      if (this.point(m.start, true) < 3 * p + 1 && 3 * p + 1 < this.point(m.end, false)) {
        const cur = best.get(m.key);
        if (cur === undefined || m.ts > cur.ts) best.set(m.key, m);
      }
    }
    const out: Record<string, unknown> = {};
    for (const k of [...best.keys()].sort()) {
      const m = best.get(k) as MMark;
      if (m.value !== null) out[k] = m.value;
    }
    return out;
  }

  insert(index: number, s: string, attrs?: Record<string, unknown>): void {
    const vis = this.visibleIdx();
    let at = 0;
    if (index > 0) {
      const left = vis[index - 1] as number;
      at = left + 1;
      // Past the deleted characters after `left` that some mark's anchor sits after.
      for (let k = left + 1; k < this.chars.length && (this.chars[k] as MChar).deleted; k++) {
        const id = (this.chars[k] as MChar).id;
        if (this.marks.some((m) => (m.start.after && m.start.id === id) || (m.end.after && m.end.id === id)))
          at = k + 1;
      }
    }
    // One character per UTF-16 unit, as the Text counts.
    this.chars.splice(at, 0, ...s.split('').map((ch) => ({ id: this.nextId++, ch, deleted: false })));
    if (attrs === undefined) return;
    const current = this.attrsAt(at);
    const keys = [...new Set([...Object.keys(current), ...Object.keys(attrs)])].sort();
    for (const k of keys) {
      const want = attrs[k] ?? null;
      const has = k in current ? current[k] : null;
      if (canon(want) !== canon(has)) this.addMark(index, s.length, k, want);
    }
  }

  delete(index: number, n: number): void {
    const vis = this.visibleIdx();
    for (let i = index; i < index + n; i++) (this.chars[vis[i] as number] as MChar).deleted = true;
  }

  format(index: number, n: number, attrs: Record<string, unknown>): void {
    for (const k of Object.keys(attrs).sort()) this.addMark(index, n, k, attrs[k]);
  }

  private addMark(index: number, n: number, key: string, value: unknown): void {
    const vis = this.visibleIdx();
    const id = (i: number): number => (this.chars[vis[i] as number] as MChar).id;
    const start = { id: id(index), after: false };
    let end: MAnchor;
    if (!markExpands(key)) end = { id: id(index + n - 1), after: true };
    else end = index + n < vis.length ? { id: id(index + n), after: false } : { id: null, after: false };
    this.marks.push({ start, end, key, value, ts: ++this.ts });
  }

  delta(): TextDeltaInsert[] {
    const out: TextDeltaInsert[] = [];
    let sig = '';
    this.chars.forEach((c, p) => {
      if (c.deleted) return;
      const attrs = this.attrsAt(p);
      const s = canon(attrs);
      const last = out[out.length - 1];
      if (last !== undefined && s === sig) last.insert += c.ch;
      else out.push(Object.keys(attrs).length === 0 ? { insert: c.ch } : { insert: c.ch, attributes: attrs });
      sig = s;
    });
    return out;
  }

  get length(): number {
    return this.visibleIdx().length;
  }
}

/** A `Text`-like facade on the model, so one edit generator drives both. */
function facade(m: RichModel) {
  return {
    get length() {
      return m.length;
    },
    insert: (i: number, s: string, a?: Record<string, unknown>) => m.insert(i, s, a),
    delete: (i: number, n: number) => m.delete(i, n),
    format: (i: number, n: number, a: Record<string, unknown>) => m.format(i, n, a),
  };
}

// No surrogate pairs: the Text widens ranges that cut a pair, the model counts units only.
const STRINGS = ['a', 'bc', 'xyz', 'hello'];

/**
 * A text (replica 7, clock ticking once per read) and the model, edited together; `expectLoaded`
 * checks that a replica loading the text's snapshot gives the model's delta.
 */
function twin() {
  let now = 1_000_000;
  const doc = new Doc({ clientId: 7, now: () => now++ });
  const t = doc.getText('t');
  const model = new RichModel();
  return {
    t,
    model,
    insert(index: number, s: string, attributes?: Record<string, unknown>): void {
      t.insert(index, s, attributes);
      model.insert(index, s, attributes);
    },
    format(index: number, length: number, attributes: Record<string, unknown>): void {
      t.format(index, length, attributes);
      model.format(index, length, attributes);
    },
    delete(index: number, length: number): void {
      t.delete(index, length);
      model.delete(index, length);
    },
    expectLoaded(): void {
      const copy = new Doc({ clientId: 8 });
      applyUpdate(copy, encodeStateAsUpdate(doc));
      expect(copy.getText('t').toDelta()).toEqual(model.delta());
    },
  };
}

describe('rich text against a sequential model (property)', () => {
  it('gives the model delta after every edit, and after a snapshot round trip', () => {
    fc.assert(
      fc.property(fc.array(richEditArgs, { minLength: 1, maxLength: 40 }), (steps) => {
        const { t, model, expectLoaded } = twin();
        for (const s of steps) {
          richEdit(t, s, STRINGS);
          richEdit(facade(model) as never, s, STRINGS);
          expect(t.toDelta()).toEqual(model.delta());
        }
        expectLoaded();
      }),
      { numRuns: 300 },
    );
  });
});

/**
 * Attribute patches a typing run passes: the same object again, a fresh equal one (names in
 * another order), one with a changed value, a removal, a link (which does not grow), none.
 */
const LINK = { href: 'x' };
function runPatch(k: number): Record<string, unknown> | undefined {
  switch (k % 8) {
    case 0:
      return RUN_PATCH;
    case 1:
      return { bold: true, comment: null, italic: 'a' };
    case 2:
      return { italic: 'a', comment: null, bold: true };
    case 3:
      return { bold: true, comment: null, italic: 'b' };
    case 4:
      return { bold: null, italic: 'a' };
    case 5:
      return { link: LINK, bold: true };
    case 6:
      return { bold: true, link: { href: 'x' } };
    default:
      return undefined;
  }
}
const RUN_PATCH = { bold: true, comment: null, italic: 'a' };

describe('typing runs with attributes against the model (property)', () => {
  it('gives the model delta when text is typed on with the same, equal or other attributes', () => {
    // Mostly keystrokes right after the previous one (the typed-on path of `Text.insert`), with
    // caret jumps, formats and backspaces between them.
    const step = fc.record({
      kind: fc.nat(9),
      patch: fc.nat(7),
      r: fc.nat(1000),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 60 }), (steps) => {
        const both = twin();
        const { t, model } = both;
        let caret = 0;
        for (const s of steps) {
          const len = t.length;
          if (s.kind <= 6 || len === 0) {
            // Type on at the caret (a jump first for kind 6).
            if (s.kind === 6) caret = s.r % (len + 1);
            both.insert(caret, String.fromCharCode(97 + (s.r % 26)), runPatch(s.patch));
            caret++;
          } else if (s.kind === 7) {
            const at = s.r % len;
            both.format(at, 1 + (s.r % (len - at)), { italic: 'b' });
          } else if (caret > 0) {
            both.delete(caret - 1, 1);
            caret--;
          }
          expect(t.toDelta()).toEqual(model.delta());
        }
        both.expectLoaded();
      }),
      { numRuns: 400 },
    );
  });

  it('makes no mark for text typed on with attributes equal to those before it', () => {
    const t = new Doc({ clientId: 7 }).getText('t');
    t.insert(0, 'a', { bold: true, italic: null, link: LINK });
    const marks = t.marks?.length ?? 0;
    t.insert(1, 'b', { bold: true, italic: null, link: LINK });
    t.insert(2, 'c', { link: LINK, bold: true });
    t.insert(3, 'd', { bold: true, link: { href: 'x' } });
    // The link ends after `a` (it does not grow): `b` needs marks of its own, `c` and `d` none.
    const afterB = t.marks?.length ?? 0;
    expect(afterB).toBeGreaterThan(marks);
    t.insert(4, 'e', { bold: true, link: LINK });
    expect(t.toDelta()).toEqual([{ insert: 'abcde', attributes: { bold: true, link: LINK } }]);
  });

  it('checks a typed-on patch as any other: a bad value throws and leaves the text as it was', () => {
    const t = new Doc({ clientId: 7 }).getText('t');
    t.insert(0, 'a', { bold: true, link: LINK });
    t.insert(1, 'b', { bold: true, link: LINK });
    const before = t.toDelta();
    for (const bad of [
      { bold: true, link: () => 1 },
      { bold: Number.NaN, link: LINK },
      { bold: true, '': 1 },
    ])
      expect(() => t.insert(2, 'c', bad as never)).toThrow(
        expect.objectContaining({ code: 'invalid-argument' }),
      );
    expect(t.toDelta()).toEqual(before);
    expect(t.toString()).toBe('ab');
  });
});

describe('plain typing in formatted text against the model (property)', () => {
  it('places text typed on, after backspaces and at the start as the model does, read through the kept mark index', () => {
    // Plain keystrokes (no attributes) at a caret that mostly moves on by one: the typed-on path
    // (no tombstone walk when nothing changed since the last keystroke) and text typed after
    // tombstones no mark is anchored to; formats of growing and non-growing keys, backspaces,
    // forward deletes and jumps (to the start too) in between; `attributesAt` keeps the mark
    // index alive through the keystrokes.
    const step = fc.record({ kind: fc.nat(11), r: fc.nat(1000) });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 80 }), (steps) => {
        const both = twin();
        const { t, model } = both;
        let caret = 0;
        for (const s of steps) {
          const len = t.length;
          if (s.kind <= 5 || len === 0) {
            if (s.kind === 5) caret = s.r % 3 === 0 ? 0 : s.r % (len + 1);
            both.insert(caret, String.fromCharCode(97 + (s.r % 26)));
            caret++;
          } else if (s.kind === 6 || s.kind === 7) {
            const at = s.r % len;
            const key = MARK_KEYS[s.r % MARK_KEYS.length] as string;
            both.format(at, 1 + (s.r % Math.min(3, len - at)), { [key]: s.kind === 6 ? true : null });
          } else if (s.kind === 8 && caret < len) {
            both.delete(caret, 1);
          } else if (caret > 0) {
            both.delete(caret - 1, 1);
            caret--;
          }
          const delta = model.delta();
          expect(t.toDelta()).toEqual(delta);
          if (t.length > 0) {
            const q = s.r % t.length;
            expect(t.attributesAt(q)).toEqual(attributesIn(delta, q));
          }
        }
        both.expectLoaded();
      }),
      { numRuns: 400 },
    );
  });

  it('puts text typed on after text typed at the start of a formatted text after the tombstones the start skipped', () => {
    // Found by the property above: text typed at 0 is placed before every tombstone without a
    // walk, so typing on right after it must still walk them.
    let now = 1_000_000;
    const t = new Doc({ clientId: 7, now: () => now++ }).getText('t');
    t.insert(0, 'a');
    t.format(0, 1, { link: 'a' });
    t.format(0, 1, { bold: true });
    t.delete(0, 1);
    t.insert(0, 'a');
    t.insert(1, 'a');
    expect(t.toDelta()).toEqual([{ insert: 'a' }, { insert: 'a', attributes: { bold: true } }]);
  });
});

/** The attributes of unit `q` in a delta (`{}` for none). */
function attributesIn(delta: readonly TextDeltaInsert[], q: number): Record<string, unknown> {
  let at = 0;
  for (const op of delta) {
    const n = (op.insert as string).length;
    if (q < at + n) return op.attributes ?? {};
    at += n;
  }
  return {};
}
