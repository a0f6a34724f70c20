/**
 * `bench:crdt --doc-memory`: each scenario's loaded state is captured under its name, and the heap
 * per loaded copy is measured with the copies kept alive (the command line's rows are checked in
 * `crdt-suite.test.ts`).
 */
import { describe, expect, it } from 'vitest';
import { captureLoads, heapPerLoadedDoc } from '../../src/crdt-suite/doc-memory.js';
import { factoryOf } from '../../src/crdt-suite/factories/index.js';
import { runSuite } from '../../src/crdt-suite/run-suite.js';
import type { AbstractCrdt, CrdtFactory } from '../../src/crdt-suite/types.js';

describe('heap per loaded document', () => {
  it('captures the state each scenario loads, under that scenario', () => {
    const capture = captureLoads(factoryOf('accord'));
    const { failures } = runSuite(capture.factory, {
      n: 50,
      only: ['B1.1', 'B1.8', 'B3.1'],
      trace: null,
      onScenario: (b) => capture.scenario(b),
    });
    expect(failures).toEqual([]);
    expect([...capture.states.keys()]).toEqual([
      '[B1.1] Append N characters',
      '[B1.8] Append N numbers',
      '[B3.1] 20√N clients concurrently set number in Map',
    ]);
    // The captured state is a whole document: loading it gives the scenario's text.
    const doc = factoryOf('accord').load(
      () => {},
      capture.states.get('[B1.1] Append N characters') as Uint8Array,
    );
    expect(doc.getText()).toHaveLength(50);
  });

  it('divides the heap the kept copies hold by their number, fewer copies for large documents', () => {
    let loads = 0;
    // Each load holds 1 MiB outside the V8 heap (counted as external memory).
    const factory: CrdtFactory = {
      name: 'fake',
      version: '0',
      create: () => ({}) as AbstractCrdt,
      load: () => {
        loads++;
        return { held: new Uint8Array(1 << 20) } as unknown as AbstractCrdt;
      },
    };
    const perDoc = heapPerLoadedDoc(factory, new Uint8Array(1), 1000);
    expect(perDoc).toBeGreaterThan(0.9 * (1 << 20));
    expect(perDoc).toBeLessThan(1.5 * (1 << 20));
    // 5 warm-up loads, 10 to size the measurement, then as many as fit in 256 MiB (a little over
    // 1 MiB each) rather than 1000.
    expect(loads - 15).toBeGreaterThan(240);
    expect(loads - 15).toBeLessThanOrEqual(256);
    expect(() => heapPerLoadedDoc(factory, new Uint8Array(1), 0)).toThrow(RangeError);
  });
});
