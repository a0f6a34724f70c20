import {
  applyUpdate,
  type Container,
  Counter,
  type Doc,
  DocMap,
  encodeStateAsUpdate,
  encodeStateVector,
  List,
  mergeUpdates,
  Text,
} from '@accord/core';
import { coverageOf, decodeStateVector, decodeUpdate, encodeUpdate } from '@accord/core/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeDoc } from './helpers.js';

/** Live containers of a document, roots first, in a deterministic order. */
function containers(doc: Doc): Container[] {
  const out: Container[] = [
    doc.getMap('root'),
    doc.getText('text'),
    doc.getList('list'),
    doc.getCounter('count'),
  ];
  for (let i = 0; i < out.length && out.length < 40; i++) {
    const c = out[i] as Container;
    if (c instanceof DocMap) {
      for (const k of c.keys().sort()) {
        const v = c.get(k);
        if (v instanceof DocMap || v instanceof List || v instanceof Text || v instanceof Counter)
          out.push(v);
      }
    } else if (c instanceof List) {
      for (const v of c.toArray())
        if (v instanceof DocMap || v instanceof List || v instanceof Text || v instanceof Counter)
          out.push(v);
    }
  }
  return out;
}

/** The document as JSON, reading the same roots on every replica. */
function view(doc: Doc): string {
  containers(doc);
  return JSON.stringify(doc.toJSON());
}

const STRINGS = ['a', 'bc', 'xyz', '😀', '漢字', '한', 'hello world'];
const KINDS = ['map', 'list', 'text', 'counter'] as const;

/** One random edit on `doc`, driven by the numbers in `a`. */
function edit(doc: Doc, a: number[]): void {
  const cs = containers(doc);
  const c = cs[(a[0] as number) % cs.length] as Container;
  const r1 = a[1] as number;
  const r2 = a[2] as number;
  const s = STRINGS[r2 % STRINGS.length] as string;
  if (c instanceof Text) {
    if (r1 % 3 !== 0 || c.length === 0) c.insert(r2 % (c.length + 1), s);
    else {
      const at = r2 % c.length;
      c.delete(at, Math.min(c.length - at, 1 + (r1 % 4)));
    }
  } else if (c instanceof List) {
    const m = r1 % 5;
    if (m === 0 && c.length > 0) c.delete(r2 % c.length, 1);
    else if (m === 1) c.insertContainer(r2 % (c.length + 1), KINDS[r1 % 4] as (typeof KINDS)[number]);
    else c.insert(r2 % (c.length + 1), r1 % 2 === 0 ? s : r2);
  } else if (c instanceof DocMap) {
    const key = `k${r2 % 4}`;
    const m = r1 % 5;
    if (m === 0) c.delete(key);
    else if (m === 1) c.setContainer(key, KINDS[r2 % 4] as (typeof KINDS)[number]);
    else c.set(key, m === 2 ? s : { n: r2 });
  } else if (c instanceof Counter) {
    c.increment((r1 % 7) - 3 || 1);
  }
}

/** Up to `maxLength` steps: a selector (which replica, which kind of step) and three numbers for {@link edit}. */
const stepsArb = (maxLength: number) =>
  fc.array(fc.tuple(fc.nat(9), fc.array(fc.nat(1000), { minLength: 3, maxLength: 3 })), {
    minLength: 1,
    maxLength,
  });

describe('document convergence (property)', () => {
  it('a full snapshot applied to a stale replica carries the deletions it holds as dead records', () => {
    const a = makeDoc(1);
    a.getMap('m').set('x', 1);
    a.getText('t').insert(0, 'abc');
    const b = makeDoc(2);
    applyUpdate(b, encodeStateAsUpdate(a));
    a.getMap('m').delete('x');
    a.getText('t').delete(0, 1);
    applyUpdate(b, encodeStateAsUpdate(a));
    expect(view(b)).toBe(view(a));
    expect(b.toJSON()).toMatchObject({ m: {}, t: 'bc' });
  });

  it('a replica that only ever receives full snapshots of another equals it after each one', () => {
    fc.assert(
      fc.property(stepsArb(50), (steps) => {
        const a = makeDoc(11);
        const b = makeDoc(12);
        for (const [kind, args] of steps) {
          if (kind < 7) edit(a, args);
          else {
            applyUpdate(b, encodeStateAsUpdate(a), 'net');
            expect(view(b)).toBe(view(a));
          }
        }
        applyUpdate(b, encodeStateAsUpdate(a), 'net');
        expect(view(b)).toBe(view(a));
      }),
      { numRuns: 150 },
    );
  });

  it('replicas with random nested edits and random, partial, duplicated sync converge', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 5 }),
        stepsArb(60),
        fc.array(fc.nat(1000), { minLength: 20, maxLength: 20 }),
        (n, steps, shuffleSeed) => {
          const docs = Array.from({ length: n }, (_, i) => makeDoc(1000 - i * 7));
          const log: Uint8Array[] = [];
          for (const d of docs) d.on('update', (u, origin) => origin === null && log.push(u));
          let k = 0;
          for (const [who, args] of steps) {
            const d = docs[who % n] as Doc;
            const kind = (args[0] as number) % 10;
            if (kind < 7) edit(d, args);
            else if (kind === 7 && log.length > 0) {
              // Partial, out-of-order, possibly duplicated delivery of logged updates.
              const count = 1 + ((args[1] as number) % 4);
              for (let i = 0; i < count; i++) {
                applyUpdate(d, log[((args[2] as number) + i * 31 + k++) % log.length] as Uint8Array, 'net');
              }
            } else {
              // A state-vector diff, or a full snapshot (no delete set: deletions ride in records)
              // applied to a replica that may hold some of it already.
              const from = docs[(args[1] as number) % n] as Doc;
              const full = kind === 9;
              applyUpdate(
                d,
                full ? encodeStateAsUpdate(from) : encodeStateAsUpdate(from, encodeStateVector(d)),
                'net',
              );
            }
          }
          // Deliver everything everywhere, in different shuffled orders, twice.
          docs.forEach((d, di) => {
            const order = log
              .map((_, i) => i)
              .sort(
                (x, y) =>
                  ((x * 7919 + (shuffleSeed[di] as number)) % 101) -
                  ((y * 7919 + (shuffleSeed[di] as number)) % 101),
              );
            for (const i of order) applyUpdate(d, log[i] as Uint8Array, 'net');
            for (const i of order.reverse()) applyUpdate(d, log[i] as Uint8Array, 'net');
          });
          const json = view(docs[0]!);
          for (const d of docs) {
            expect(view(d)).toBe(json);
            expect(d.pending).toHaveLength(0);
          }
          // A merge of every update, and a snapshot, give the same document.
          const merged = makeDoc(5);
          applyUpdate(merged, mergeUpdates(log));
          expect(view(merged)).toBe(json);
          const fromSnapshot = makeDoc(6);
          applyUpdate(fromSnapshot, encodeStateAsUpdate(docs[1]!));
          expect(view(fromSnapshot)).toBe(json);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a full snapshot holds every unit of every replica exactly once, and re-encodes to the same bytes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), stepsArb(60), (n, steps) => {
        const docs = Array.from({ length: n }, (_, i) => makeDoc(500 + i * 13));
        for (const [who, args] of steps) {
          const d = docs[who % n] as Doc;
          if ((args[0] as number) % 10 < 8) edit(d, args);
          else applyUpdate(d, encodeStateAsUpdate(docs[(args[1] as number) % n] as Doc), 'net');
        }
        for (const d of docs) {
          const snapshot = encodeStateAsUpdate(d);
          const decoded = decodeUpdate(snapshot);
          // Units per replica: the records (live, tombstone and collected) tile 0 .. next-1.
          const units = new Map<number, number>();
          for (const r of decoded.records) units.set(r.client, (units.get(r.client) ?? 0) + r.len);
          const sv = decodeStateVector(encodeStateVector(d));
          expect(units).toEqual(sv);
          expect(coverageOf([snapshot]).stateVector).toEqual(sv);
          // The snapshot writes its groups directly; the general encoder regroups the same
          // records into the same bytes.
          expect(encodeUpdate(decoded)).toEqual(snapshot);
        }
      }),
      { numRuns: 150 },
    );
  });
});
