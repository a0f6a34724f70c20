/**
 * B1, no conflicts (scenarios of dmonad/crdt-benchmarks, MIT, Copyright (c) 2019 Kevin Jahns;
 * see `LICENSE` in this folder): one replica makes N changes, each emitting an update, and a
 * second replica applies them. `time` covers the changes, the applies and the check;
 * `avgUpdateSize` is the mean update size per change; then `encodeTime`, `docSize`, and
 * `parseTime`/`memUsed` of loading the encoded state into a fresh replica.
 */
import type { SuiteInputs, TextOp } from './inputs.js';
import { check, heapUsed, type Results, sameJson } from './measure.js';
import type { AbstractCrdt, Bytes, CrdtFactory } from './types.js';

/**
 * Runs one scenario by its name (e.g. `[B1.1] Append N characters`): the caller decides whether
 * it runs and what a failed check does.
 */
export type Runner = (benchmark: string, scenario: (benchmark: string) => void) => void;

type Check = (a: AbstractCrdt, b: AbstractCrdt) => void;

function template<T>(
  factory: CrdtFactory,
  res: Results,
  id: string,
  input: readonly T[],
  change: (doc: AbstractCrdt, item: T, i: number) => void,
  verify: Check,
): void {
  const doc2 = factory.create(() => {});
  const updates: Bytes[] = [];
  const doc1 = factory.create((u) => updates.push(u));
  res.time(id, 'time', () => {
    for (let i = 0; i < input.length; i++) change(doc1, input[i] as T, i);
    for (const u of updates) doc2.applyUpdate(u);
    verify(doc1, doc2);
  });
  const total = updates.reduce((a, u) => a + u.length, 0);
  res.add(id, 'avgUpdateSize', Math.round(total / input.length));
  const encoded = res.time(id, 'encodeTime', () => doc1.getEncodedState());
  res.add(id, 'docSize', encoded.length);
  const before = heapUsed();
  const loaded = res.time(id, 'parseTime', () => {
    const doc = factory.load(() => {}, encoded);
    verify(doc2, doc);
    return doc;
  });
  res.add(id, 'memUsed', Math.max(0, heapUsed() - before));
  void loaded;
}

const textIs =
  (expected: string): Check =>
  (a, b) => {
    check(a.getText() === b.getText(), 'texts differ');
    check(a.getText() === expected, 'text differs from the expected result');
  };

const arrayIs =
  (expected: unknown[]): Check =>
  (a, b) => {
    check(sameJson(a.getArray(), b.getArray()), 'arrays differ');
    check(sameJson(a.getArray(), expected), 'array differs from the expected result');
  };

const applyTextOp = (doc: AbstractCrdt, op: TextOp): void => {
  if (op.insert !== undefined) doc.insertText(op.index, op.insert);
  else doc.deleteText(op.index, op.deleteCount ?? 0);
};

/** Run B1.1 … B1.11. */
export function runB1(factory: CrdtFactory, res: Results, inp: SuiteInputs, run: Runner): void {
  run('[B1.1] Append N characters', (id) =>
    template(factory, res, id, inp.b1_1.split(''), (d, s, i) => d.insertText(i, s), textIs(inp.b1_1)),
  );
  run('[B1.2] Insert string of length N', (id) =>
    template(factory, res, id, [inp.b1_2], (d, s, i) => d.insertText(i, s), textIs(inp.b1_2)),
  );
  run('[B1.3] Prepend N characters', (id) =>
    template(factory, res, id, inp.b1_3.split('').reverse(), (d, s) => d.insertText(0, s), textIs(inp.b1_3)),
  );
  run('[B1.4] Insert N characters at random positions', (id) =>
    template(factory, res, id, inp.b1_4.ops, applyTextOp, textIs(inp.b1_4.result)),
  );
  run('[B1.5] Insert N words at random positions', (id) =>
    template(factory, res, id, inp.b1_5.ops, applyTextOp, textIs(inp.b1_5.result)),
  );
  run('[B1.6] Insert string, then delete it', (id) =>
    template(
      factory,
      res,
      id,
      [inp.b1_6],
      (d, s, i) => {
        d.insertText(i, s);
        d.deleteText(i, s.length);
      },
      textIs(''),
    ),
  );
  run('[B1.7] Insert/Delete strings at random positions', (id) =>
    template(factory, res, id, inp.b1_7.ops, applyTextOp, textIs(inp.b1_7.result)),
  );
  run('[B1.8] Append N numbers', (id) =>
    template(factory, res, id, inp.b1_8, (d, x, i) => d.insertArray(i, [x]), arrayIs(inp.b1_8)),
  );
  run('[B1.9] Insert Array of N numbers', (id) =>
    template(factory, res, id, [inp.b1_9], (d, xs, i) => d.insertArray(i, xs), arrayIs(inp.b1_9)),
  );
  run('[B1.10] Prepend N numbers', (id) =>
    template(
      factory,
      res,
      id,
      inp.b1_10,
      (d, x) => d.insertArray(0, [x]),
      arrayIs(inp.b1_10.slice().reverse()),
    ),
  );
  run('[B1.11] Insert N numbers at random positions', (id) =>
    template(
      factory,
      res,
      id,
      inp.b1_11.ops,
      (d, op) => d.insertArray(op.index, [op.insert]),
      arrayIs(inp.b1_11.result),
    ),
  );
}
