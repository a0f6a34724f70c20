/**
 * Change events of a text carry a rich-text delta (`textDelta`): applied to the formatted text as
 * it was, it gives the text as it is, for local edits, remote updates and formatting alone.
 */
import {
  applyUpdate,
  type ChangeEvent,
  Doc,
  encodeStateAsUpdate,
  type TextDeltaInsert,
  type TextDeltaOp,
} from '@accord/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { richEdit, richEditArgs } from '../arbitraries/rich-text.js';

type Unit = { ch: string; attrs: Record<string, unknown> };

/** Apply a delta (Quill semantics) to formatted units. */
function applyTo(units: Unit[], delta: readonly TextDeltaOp[]): Unit[] {
  const out: Unit[] = [];
  let i = 0;
  for (const op of delta) {
    if ('insert' in op)
      for (const ch of op.insert.split('')) out.push({ ch, attrs: { ...(op.attributes ?? {}) } });
    else if ('delete' in op) i += op.delete;
    else
      for (let k = 0; k < op.retain; k++) {
        const u = units[i++] as Unit;
        const attrs = { ...u.attrs };
        for (const [key, v] of Object.entries(op.attributes ?? {})) {
          if (v === null) delete attrs[key];
          else attrs[key] = v;
        }
        out.push({ ch: u.ch, attrs });
      }
  }
  while (i < units.length) out.push(units[i++] as Unit);
  return out;
}

function unitsOf(delta: readonly TextDeltaInsert[]): Unit[] {
  return delta.flatMap((op) =>
    op.insert.split('').map((ch) => ({ ch, attrs: { ...(op.attributes ?? {}) } })),
  );
}

const norm = (units: Unit[]) =>
  units.map((u) => ({
    ch: u.ch,
    attrs: Object.fromEntries(Object.entries(u.attrs).sort(([a], [b]) => (a < b ? -1 : 1))),
  }));

const STRINGS = ['a', 'bc', 'xyz', '😀'];

describe('text change events carry rich-text deltas', () => {
  it('reports a format-only transaction as retains with the changed attributes', () => {
    const doc = new Doc({ clientId: 1 });
    const t = doc.getText('t');
    t.insert(0, 'abcdef');
    t.format(0, 3, { bold: true });
    const events: ChangeEvent[] = [];
    t.observe((e) => events.push(e));
    t.format(1, 4, { bold: null, italic: true });
    expect(events).toHaveLength(1);
    expect(events[0]?.textDelta).toEqual([
      { retain: 1 },
      { retain: 2, attributes: { bold: null, italic: true } },
      { retain: 2, attributes: { italic: true } },
    ]);
    t.insert(6, 'g', { link: 'x' });
    t.delete(0, 1);
    expect(events[1]?.textDelta).toEqual([{ retain: 6 }, { insert: 'g', attributes: { link: 'x' } }]);
    expect(events[2]?.textDelta).toEqual([{ delete: 1 }]);
  });

  it('applied to the previous content, every event gives the current content (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(9), fc.array(richEditArgs, { minLength: 1, maxLength: 3 })), {
          minLength: 1,
          maxLength: 25,
        }),
        (steps) => {
          let ta = 1_000_000;
          let tb = 1_000_500;
          const a = new Doc({ clientId: 1, now: () => ta++ });
          const b = new Doc({ clientId: 2, now: () => tb++ });
          const queue: Uint8Array[] = [];
          b.on('update', (u: Uint8Array) => queue.push(u));
          const t = a.getText('t');
          let shadow: Unit[] = [];
          t.observe((e) => {
            shadow = applyTo(shadow, e.textDelta ?? []);
            expect(norm(shadow)).toEqual(norm(unitsOf(t.toDelta())));
          });
          for (const [sel, edits] of steps) {
            const on = sel < 5 ? a : b;
            if (sel < 8)
              on.transact(() => {
                for (const s of edits) richEdit(on.getText('t'), s, STRINGS);
              });
            else {
              // Deliver b's updates to a (in one remote transaction each) and a's state to b.
              for (const u of queue.splice(0)) applyUpdate(a, u, 'remote');
              applyUpdate(b, encodeStateAsUpdate(a), 'remote');
            }
          }
          for (const u of queue.splice(0)) applyUpdate(a, u, 'remote');
          expect(norm(shadow)).toEqual(norm(unitsOf(t.toDelta())));
        },
      ),
      { numRuns: 200 },
    );
  });
});
