/**
 * The formatting a text caches between reads (`toDelta`, `attributesAt`) never goes stale: three
 * replicas take random local edits and formats, remote updates (in any order), undo and redo,
 * whole-state loads and version restores, and after every step each replica's formatting, read
 * again from its warm cache, equals that of a fresh replica built from its state.
 */
import { applyUpdate, Doc, encodeStateAsUpdate, restoreVersion, type Text, UndoManager } from '@accord/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { richEdit, richEditArgs } from '../arbitraries/rich-text.js';
import { sameAsFresh } from './fresh-replica.js';

const STRINGS = ['a', 'bc', 'xyz', '😀'];

/** A fresh replica holding the state of `doc`. */
function copyOf(doc: Doc, clientId = 99): Doc {
  const c = new Doc({ clientId });
  applyUpdate(c, encodeStateAsUpdate(doc));
  return c;
}

const step = fc.record({
  kind: fc.nat(11),
  who: fc.nat(2),
  other: fc.nat(2),
  args: richEditArgs,
});

describe('cached formatting (property)', () => {
  it('reads between every edit, format, remote apply, undo, load and restore match a fresh replica', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
        let now = 1_000_000;
        const docs = [1, 2, 3].map((id) => new Doc({ clientId: id, now: () => now++ }));
        const texts = docs.map((d) => d.getText('t'));
        const undos = docs.map((d, i) => new UndoManager(d, { scope: texts[i] as Text, captureTimeout: 0 }));
        const inbox: Uint8Array[][] = docs.map(() => []);
        docs.forEach((d, i) => {
          d.on('update', (u: Uint8Array) => {
            for (let j = 0; j < docs.length; j++) if (j !== i) (inbox[j] as Uint8Array[]).push(u);
          });
        });
        const saved: (Doc | null)[] = docs.map(() => null);
        for (const { kind, who, other, args } of steps) {
          const doc = docs[who] as Doc;
          const t = texts[who] as Text;
          const box = inbox[who] as Uint8Array[];
          if (kind <= 4) richEdit(t, args, STRINGS);
          else if (kind <= 6) {
            // A remote update, not necessarily the oldest (it may wait for what it depends on).
            const k = (args[0] ?? 0) % Math.max(1, box.length);
            const u = box.splice(k, 1)[0];
            if (u !== undefined) applyUpdate(doc, u);
          } else if (kind === 7) (undos[who] as UndoManager).undo();
          else if (kind === 8) (undos[who] as UndoManager).redo();
          else if (kind === 9) applyUpdate(doc, encodeStateAsUpdate(docs[other] as Doc));
          else if (kind === 10) saved[who] = copyOf(doc, 50 + who);
          else {
            const version = saved[who];
            if (version !== null && version !== undefined) restoreVersion(doc, version);
          }
          for (let i = 0; i < docs.length; i++) sameAsFresh(docs[i] as Doc, texts[i] as Text);
        }
        // Once every replica has everything, they agree.
        for (let i = 0; i < docs.length; i++)
          for (const u of (inbox[i] as Uint8Array[]).splice(0)) applyUpdate(docs[i] as Doc, u);
        for (const t of texts) expect(t.toDelta()).toEqual((texts[0] as Text).toDelta());
      }),
      { numRuns: 150 },
    );
  });

  it('reads of single units between local keystrokes (intervals shifted, no delta built) match a fresh replica', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(11), richEditArgs), { minLength: 1, maxLength: 60 }), (steps) => {
        let now = 1_000_000;
        const doc = new Doc({ clientId: 1, now: () => now++ });
        const t = doc.getText('t');
        t.insert(0, 'hello brave new world');
        t.format(2, 5, { bold: true });
        t.format(8, 4, { link: { href: 'x' } });
        for (const [kind, args] of steps) {
          const n = t.length;
          const a0 = args[0] ?? 0;
          const a1 = args[1] ?? 0;
          if (kind <= 3) t.insert(a0 % (n + 1), 'xy'.slice(0, 1 + (a1 % 2)));
          else if (kind <= 5 && n > 0) t.delete(a0 % n, 1 + (a1 % Math.min(3, n - (a0 % n))));
          else if (kind <= 7) {
            // A typing run with attributes: each unit right after the one before.
            const attrs = (args[2] ?? 0) % 2 === 0 ? { bold: true } : { italic: true, link: null };
            const at = a0 % (n + 1);
            const want = (r: number) => (r === 2 ? { link: { href: 'y' } } : attrs);
            for (let r = 0; r <= a1 % 3; r++) t.insert(at + r, 'q', want(r));
            // Each unit has exactly what its insert asked for (nulls: nothing); an insert inside a
            // surrogate pair moved before it, so the run is checked only where it landed as asked.
            const s = t.toString();
            for (let r = 0; r <= a1 % 3; r++) {
              if (s.slice(at, at + 1 + (a1 % 3)) !== 'q'.repeat(1 + (a1 % 3))) break;
              const asked = Object.entries(want(r)).filter(([, v]) => v !== null);
              expect(t.attributesAt(at + r)).toEqual(Object.fromEntries(asked));
            }
          } else {
            // Several edits before the next read: the pending shifts compose.
            richEdit(t, args, STRINGS);
            const m = t.length;
            t.insert(a1 % (m + 1), 'k');
            if (m > 2) t.delete((a0 + a1) % (m - 1), 1);
            t.insert(a0 % (t.length + 1), 'zz');
          }
          // Single-unit reads first (the interval path), before any delta is built.
          const fresh = copyOf(doc).getText('t');
          for (let i = 0; i < t.length; i += 3) expect(t.attributesAt(i)).toEqual(fresh.attributesAt(i));
        }
        expect(t.toDelta()).toEqual(copyOf(doc).getText('t').toDelta());
      }),
      { numRuns: 300 },
    );
  });

  it('typing after tombstones sees an anchor that a delete put among them since the last keystroke', () => {
    const doc = new Doc({ clientId: 1 });
    const t = doc.getText('t');
    t.insert(0, 'aXLb');
    t.format(2, 1, { bold: true, link: 'u' });
    t.delete(1, 1);
    // Typed after "a": before the tombstone X (no anchor after it).
    t.insert(1, 'k');
    // L dies: the link's end anchor (after L) now sits among the tombstones after "k".
    t.delete(2, 1);
    // Text typed after "k" goes after that anchor (Peritext), so inside the bold mark.
    t.insert(2, 'm');
    expect(t.toDelta()).toEqual([
      { insert: 'ak' },
      { insert: 'm', attributes: { bold: true } },
      { insert: 'b' },
    ]);
    expect(t.toDelta()).toEqual(copyOf(doc).getText('t').toDelta());
  });

  it('long runs of keystrokes (past the batch of waiting edits) around tombstones, read now and then, match a fresh replica', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(9), fc.nat(1000), fc.nat(1000)), { minLength: 1, maxLength: 30 }),
        (bursts) => {
          let now = 1_000_000;
          const doc = new Doc({ clientId: 1, now: () => now++ });
          const t = doc.getText('t');
          t.insert(0, 'the quick brown fox jumps over the lazy dog');
          t.format(4, 5, { bold: true });
          t.format(10, 5, { link: { href: 'x' } });
          t.format(20, 9, { 'comment:1': true });
          for (const [kind, a, b] of bursts) {
            const n = t.length;
            const at = a % (n + 1);
            if (kind <= 3) {
              // Typing with backspaces (tombstones after the caret), many keystrokes, no read.
              let pos = at;
              for (let k = 0; k < 60 + (b % 120); k++) {
                if (k % 7 === 6 && pos > 0) t.delete(--pos, 1);
                else t.insert(pos++, 'abcdefg'[(b + k) % 7] as string);
              }
            } else if (kind <= 5 && n > 2) {
              // Delete a range (maybe the end of the link or the comment), then type where it was.
              const from = Math.min(at, n - 2);
              t.delete(from, 1 + (b % Math.min(6, n - from)));
              for (let k = 0; k < 1 + (b % 5); k++) t.insert(from + k, 'z');
            } else if (kind <= 7) {
              // An insert with attributes at a random place, then typing on after it.
              t.insert(at, 'Q', b % 2 === 0 ? { italic: true } : { bold: null, link: { href: 'y' } });
              for (let k = 1; k <= b % 4; k++) t.insert(at + k, 'q');
            } else if (n > 0) {
              const from = a % n;
              t.format(
                from,
                1 + (b % (n - from)),
                b % 3 === 0 ? { link: { href: 'z' } } : { bold: b % 2 === 0 },
              );
            }
            if (kind % 3 === 0) {
              const fresh = copyOf(doc).getText('t');
              for (let i = 0; i < t.length; i += 5) expect(t.attributesAt(i)).toEqual(fresh.attributesAt(i));
            }
          }
          expect(t.toDelta()).toEqual(copyOf(doc).getText('t').toDelta());
        },
      ),
      { numRuns: 60 },
    );
  });
});
