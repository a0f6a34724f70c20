/**
 * Laws of blocks: replicas that edit blocks concurrently (text, formatting, splits, joins,
 * moves, block types, new and deleted blocks) converge whatever order (and how many times) their
 * updates arrive, to equal `toJSON()` and bit-identical encoded states; every character and
 * every block shows at most once, and every character and block no edit removed shows.
 */
import {
  applyBlocksDelta,
  applyUpdate,
  type BlockJSON,
  Doc,
  encodeStateAsUpdate,
  mergeUpdates,
} from '@accord/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BLOCKS_SEED, blocksEdit, blocksEditArgs, freshChars } from '../arbitraries/blocks.js';

/** Steps: which replica edits (0-8: replica sel % n) or syncs with another (9-11). */
const stepsArb = fc.array(fc.tuple(fc.nat(11), blocksEditArgs), { minLength: 1, maxLength: 30 });

function chars(json: readonly BlockJSON[]): string[] {
  return json.flatMap((b) => [...b.content.map((c) => c.insert).join('')]);
}

interface Run {
  docs: Doc[];
  updates: Uint8Array[];
  /** Characters and block ids some replica created. */
  created: { chars: Set<string>; blocks: Set<string> };
  /** Characters and block ids some replica's own edit made disappear from its view. */
  removed: { chars: Set<string>; blocks: Set<string> };
}

function run(n: number, steps: [number, number[]][]): Run {
  const docs: Doc[] = [];
  const updates: Uint8Array[] = [];
  const fresh = freshChars();
  const created = { chars: new Set<string>(), blocks: new Set<string>() };
  const removed = { chars: new Set<string>(), blocks: new Set<string>() };
  for (let i = 0; i < n; i++) {
    let t = 1_000_000 + 7 * i;
    const d = new Doc({ clientId: 100 + i, now: () => t++ });
    d.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin !== 'sync') updates.push(u);
    });
    docs.push(d);
  }
  for (const [sel, args] of steps) {
    const d = docs[sel % n] as Doc;
    if (sel < 9) {
      const b = d.getBlocks('b');
      const before = b.toJSON();
      blocksEdit(b, args, (k) => {
        const s = fresh(k);
        for (const c of s) created.chars.add(c);
        return s;
      });
      const after = b.toJSON();
      const now = new Set(chars(after));
      for (const c of chars(before)) if (!now.has(c)) removed.chars.add(c);
      const ids = new Set(after.map((x) => x.id));
      for (const x of before) if (!ids.has(x.id)) removed.blocks.add(x.id);
      for (const x of after) created.blocks.add(x.id);
    } else {
      const o = docs[(sel + (args[0] as number)) % n] as Doc;
      if (o !== d) applyUpdate(o, encodeStateAsUpdate(d), 'sync');
    }
  }
  return { docs, updates, created, removed };
}

/** `xs` in the order of the random sort keys `keys` (cycled). */
function shuffled<T>(xs: readonly T[], keys: readonly number[]): T[] {
  return xs
    .map((x, i) => ({ x, k: (keys[i % keys.length] as number) * 1000 + i }))
    .sort((a, b) => a.k - b.k)
    .map((e) => e.x);
}

function checkOnce(json: readonly BlockJSON[], r: Run): void {
  const cs = chars(json);
  expect(new Set(cs).size, 'a character shows twice').toBe(cs.length);
  const ids = json.map((b) => b.id);
  expect(new Set(ids).size, 'a block shows twice').toBe(ids.length);
  const shown = new Set(cs);
  for (const c of r.created.chars)
    if (!r.removed.chars.has(c)) expect(shown.has(c), `character ${c} lost`).toBe(true);
  const shownIds = new Set(ids);
  // The implicit first paragraph (characters before every boundary) has no unit of its own: it
  // gives way to a boundary when a block edit needs one.
  for (const id of r.created.blocks)
    if (!r.removed.blocks.has(id) && id !== 'virtual')
      expect(shownIds.has(id), `block ${id} lost`).toBe(true);
  for (const c of cs) expect(r.created.chars.has(c)).toBe(true);
}

describe('blocks converge (property)', () => {
  it('every delivery order (with duplicates) gives one state, each character and block once', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 3 }),
        stepsArb,
        fc.array(fc.array(fc.nat(50), { minLength: 1, maxLength: 40 }), { minLength: 2, maxLength: 3 }),
        (n, steps, orders) => {
          const r = run(n, steps);
          let reference: { json: BlockJSON[]; bytes: Uint8Array } | null = null;
          for (const keys of orders) {
            const order = shuffled(r.updates, keys);
            order.push(...order.slice(0, (keys[0] as number) % 3));
            const d = new Doc({ clientId: 999 });
            for (const u of order) applyUpdate(d, u);
            const got = { json: d.getBlocks('b').toJSON(), bytes: encodeStateAsUpdate(d) };
            if (reference === null) reference = got;
            else {
              expect(got.json).toEqual(reference.json);
              expect(got.bytes).toEqual(reference.bytes);
            }
          }
          const ref = reference as unknown as { json: BlockJSON[]; bytes: Uint8Array };
          checkOnce(ref.json, r);
          const merged = new Doc({ clientId: 998 });
          applyUpdate(merged, mergeUpdates(r.updates));
          expect(merged.getBlocks('b').toJSON()).toEqual(ref.json);
          const loaded = new Doc({ clientId: 997 });
          applyUpdate(loaded, ref.bytes);
          expect(loaded.getBlocks('b').toJSON()).toEqual(ref.json);
          expect(encodeStateAsUpdate(loaded)).toEqual(ref.bytes);
        },
      ),
      { numRuns: 200, ...BLOCKS_SEED },
    );
  }, 60_000);

  it('replicas that sync in any pattern end equal, and keep editing without error', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 3 }), stepsArb, stepsArb, (n, steps, more) => {
        const r = run(n, steps);
        for (let round = 0; round < 2; round++)
          for (const a of r.docs) for (const b of r.docs) if (a !== b) applyUpdate(b, encodeStateAsUpdate(a));
        const first = (r.docs[0] as Doc).getBlocks('b').toJSON();
        for (const d of r.docs) expect(d.getBlocks('b').toJSON()).toEqual(first);
        checkOnce(first, r);
        // Editing after any merge works (every layout is editable).
        const fresh = freshChars();
        for (const [sel, args] of more)
          blocksEdit((r.docs[sel % n] as Doc).getBlocks('b'), args, (k) => fresh(k).toLowerCase());
      }),
      { numRuns: 200, ...BLOCKS_SEED },
    );
  }, 60_000);

  it('events of remote updates, applied in any order, replay exactly to the state', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 3 }),
        stepsArb,
        fc.array(fc.nat(50), { minLength: 1, maxLength: 40 }),
        (n, steps, keys) => {
          const r = run(n, steps);
          const d = new Doc({ clientId: 999 });
          const b = d.getBlocks('b');
          let mirror: BlockJSON[] = [];
          let local = 0;
          b.observe((ev) => {
            mirror = applyBlocksDelta(mirror, ev.blocksDelta);
            if (ev.local) local++;
          });
          for (const u of shuffled(r.updates, keys)) {
            applyUpdate(d, u, 'remote');
            expect(mirror).toEqual(b.toJSON());
          }
          expect(local).toBe(0);
        },
      ),
      { numRuns: 200, ...BLOCKS_SEED },
    );
  }, 60_000);
});
