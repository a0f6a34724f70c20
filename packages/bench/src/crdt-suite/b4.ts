/**
 * B4, the real-world editing dataset (scenario of dmonad/crdt-benchmarks, MIT, Copyright (c)
 * 2019 Kevin Jahns; see `LICENSE` in this folder): one replica replays the automerge-paper trace
 * (259,778 single-character edits of a LaTeX paper, from `../shared/traces` or else
 * `packages/bench/traces`) edit by edit, each a change of its own. `time` covers the replay and
 * reading the final text; then `encodeTime`, `docSize`, `parseTime` (load and read the text) and
 * `memUsed` of the loaded document.
 */
import type { EditingTrace } from '../trace/trace-file.js';
import type { Runner } from './b1.js';
import { check, heapUsed, type Results, tryGc } from './measure.js';
import type { CrdtFactory } from './types.js';

/** The B4 scenario's name. */
export const B4 = '[B4] Apply real-world editing dataset';

/** Run B4 on `trace` (its start content must be empty, as the automerge-paper trace's is). */
export function runB4(factory: CrdtFactory, res: Results, trace: EditingTrace, run: Runner): void {
  run(B4, () => replay(factory, res, trace));
}

function replay(factory: CrdtFactory, res: Results, trace: EditingTrace): void {
  check(trace.startContent === '', 'B4 needs a trace that starts empty');
  const expected = trace.endContent;
  const encoded = (() => {
    const doc = factory.create(() => {});
    res.time(B4, 'time', () => {
      for (const txn of trace.txns) {
        for (const [pos, del, ins] of txn.patches) {
          if (del > 0) doc.deleteText(pos, del);
          if (ins !== '') doc.insertText(pos, ins);
        }
      }
      check(doc.getText() === expected, 'final text differs from the trace');
    });
    return res.time(B4, 'encodeTime', () => doc.getEncodedState());
  })();
  res.add(B4, 'docSize', encoded.length);
  tryGc();
  const before = heapUsed();
  const loaded = res.time(B4, 'parseTime', () => {
    const doc = factory.load(() => {}, encoded);
    check(doc.getText() === expected, 'loaded text differs from the trace');
    return doc;
  });
  res.add(B4, 'memUsed', Math.max(0, heapUsed() - before));
  void loaded;
}
