/**
 * Code optimized for documents stays optimized once every document is gone (`shape-anchor.ts`):
 * V8 holds the shapes of a class's instances weakly and discards optimized code whose shapes
 * died. The check uses V8's own view: natives syntax for a function's optimization status, and
 * a full collection that keeps no unused shape alive (`--retain-maps-for-n-gc=0`).
 *
 * Without the held document this fails: each probe is interpreted again after the collections
 * (status bit 6, TurboFan, cleared).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Doc } from '@accord/core';
import { describe, expect, it } from 'vitest';
import { heldShapeKinds } from '../../src/doc/shape-anchor.js';

setFlagsFromString('--allow-natives-syntax');
setFlagsFromString('--expose-gc');
setFlagsFromString('--retain-maps-for-n-gc=0');
const gc = runInNewContext('gc') as () => void;

type Probe = (x: unknown) => unknown;
/** Optimize `f` for `x` with TurboFan now; its status after. */
const optimize = new Function(
  'f',
  'x',
  '%PrepareFunctionForOptimization(f); f(x); f(x); %OptimizeFunctionOnNextCall(f); f(x); return %GetOptimizationStatus(f);',
) as (f: Probe, x: unknown) => number;
/** V8's optimization status bits of `f`. */
const status = new Function('f', 'return %GetOptimizationStatus(f);') as (f: Probe) => number;
/** Status bit: the function runs TurboFan code. */
const TURBOFAN = 1 << 6;

/** The first item of text `t` of `doc` (internal fields, read for their shape). */
function firstItem(doc: Doc): unknown {
  const text = doc.getText('t') as unknown as { seq: { index: { leaves: { items: unknown[] }[] } } };
  return text.seq.index.leaves[0]?.items[0];
}

/** The entry of key `k` in map `m` of `doc` (internal). */
function mapEntry(doc: Doc): unknown {
  return (doc.getMap('m') as unknown as { top: Map<string, unknown> }).top.get('k');
}

describe('shapes held for the life of the process', () => {
  it('code optimized for a document, its text, map and list, their items and entries survives the death of every document', async () => {
    // Each probe reads fields of one class's instances, so its code checks their shape.
    const probes: [string, Probe, (d: Doc) => unknown][] = [
      ['Item', new Function('i', 'return i.clock') as Probe, (d) => firstItem(d)],
      ['MapEntry', new Function('e', 'return e.clock') as Probe, (d) => mapEntry(d)],
      ['Doc', new Function('d', 'return d.clientId') as Probe, (d) => d],
      ['Text', new Function('t', 'return t.length') as Probe, (d) => d.getText('t')],
      ['DocMap', new Function('m', 'return m.size') as Probe, (d) => d.getMap('m')],
      ['List', new Function('l', 'return l.length') as Probe, (d) => d.getList('l')],
    ];
    // Kinds are held once some document makes a container of that kind.
    let doc: Doc | null = new Doc({ clientId: 7 });
    expect(heldShapeKinds()).toEqual([]);
    doc.getText('t').insert(0, 'hello');
    expect(heldShapeKinds()).toEqual(['text']);
    doc.getMap('m').set('k', 1);
    doc.getList('l').push(1, 2);
    expect(heldShapeKinds().sort()).toEqual(['list', 'map', 'text']);
    for (const [name, probe, of] of probes) {
      expect([name, optimize(probe, of(doc)) & TURBOFAN]).toEqual([name, TURBOFAN]);
    }
    doc = null;
    // In a later task, so that nothing of this one still holds the document.
    await new Promise((resolve) => setImmediate(resolve));
    for (let i = 0; i < 4; i++) gc();

    for (const [name, probe] of probes) expect([name, status(probe) & TURBOFAN]).toEqual([name, TURBOFAN]);
  });
});
