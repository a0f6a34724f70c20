/**
 * B2, two users producing conflicts (scenarios of dmonad/crdt-benchmarks, MIT, Copyright (c)
 * 2019 Kevin Jahns; see `LICENSE` in this folder): two replicas share a 100-character text; each
 * makes its changes in one transaction and sends the update to the other. `time` covers both
 * transactions, the exchange and the check; `updateSize` is half the bytes exchanged (the
 * initial text included); then `encodeTime`, `docSize`, `parseTime` and `memUsed` as in B1.
 */
import type { Runner } from './b1.js';
import type { SuiteInputs, TextOp } from './inputs.js';
import { check, heapUsed, type Results } from './measure.js';
import type { AbstractCrdt, Bytes, CrdtFactory } from './types.js';

/** A lock that drops re-entrant calls (a replica's echo of an update it is applying). */
export function createMutex(): (f: () => void) => void {
  let busy = false;
  return (f) => {
    if (busy) return;
    busy = true;
    try {
      f();
    } finally {
      busy = false;
    }
  };
}

function template(
  factory: CrdtFactory,
  res: Results,
  id: string,
  initText: string,
  change1: (d: AbstractCrdt) => void,
  change2: (d: AbstractCrdt) => void,
  verify: (a: AbstractCrdt, b: AbstractCrdt) => void,
): void {
  let size = 0;
  const mux = createMutex();
  let doc1: AbstractCrdt | null = null;
  let doc2: AbstractCrdt | null = null;
  const send = (to: () => AbstractCrdt | null) => (u: Bytes) =>
    mux(() => {
      size += u.length;
      to()?.applyUpdate(u);
    });
  doc1 = factory.create(send(() => doc2));
  doc2 = factory.create(send(() => doc1));
  const a = doc1;
  const b = doc2;
  a.insertText(0, initText);
  res.time(id, 'time', () => {
    a.transact(() => change1(a));
    b.transact(() => change2(b));
    verify(a, b);
  });
  res.add(id, 'updateSize', Math.round(size / 2));
  const encoded = res.time(id, 'encodeTime', () => a.getEncodedState());
  res.add(id, 'docSize', encoded.length);
  const before = heapUsed();
  const loaded = res.time(id, 'parseTime', () => {
    const doc = factory.load(() => {}, encoded);
    verify(doc, b);
    return doc;
  });
  res.add(id, 'memUsed', Math.max(0, heapUsed() - before));
  void loaded;
}

const applyOps = (doc: AbstractCrdt, ops: readonly TextOp[]): void => {
  for (const op of ops) {
    if (op.insert !== undefined) doc.insertText(op.index, op.insert);
    else doc.deleteText(op.index, op.deleteCount ?? 0);
  }
};

/** Run B2.1 … B2.4. */
export function runB2(factory: CrdtFactory, res: Results, inp: SuiteInputs, run: Runner): void {
  const n = inp.n;
  const same = (a: AbstractCrdt, b: AbstractCrdt): void => check(a.getText() === b.getText(), 'texts differ');
  const sameLen = (a: AbstractCrdt, b: AbstractCrdt): void => {
    same(a, b);
    check(a.getText().length === n * 2 + 100, 'text has the wrong length');
  };
  run('[B2.1] Concurrently insert string of length N at index 0', (id) =>
    template(
      factory,
      res,
      id,
      inp.initText,
      (d) => d.insertText(0, inp.b2_1[0]),
      (d) => d.insertText(0, inp.b2_1[1]),
      sameLen,
    ),
  );
  run('[B2.2] Concurrently insert N characters at random positions', (id) =>
    template(
      factory,
      res,
      id,
      inp.initText,
      (d) => applyOps(d, inp.b2_2[0]),
      (d) => applyOps(d, inp.b2_2[1]),
      sameLen,
    ),
  );
  run('[B2.3] Concurrently insert N words at random positions', (id) =>
    template(
      factory,
      res,
      id,
      inp.initText,
      (d) => applyOps(d, inp.b2_3[0]),
      (d) => applyOps(d, inp.b2_3[1]),
      same,
    ),
  );
  run('[B2.4] Concurrently insert & delete', (id) =>
    template(
      factory,
      res,
      id,
      inp.initText,
      (d) => applyOps(d, inp.b2_4[0]),
      (d) => applyOps(d, inp.b2_4[1]),
      same,
    ),
  );
}
