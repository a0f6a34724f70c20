/**
 * One library's run of the suite in its own process (started by `bench:crdt` with
 * `--expose-gc`): `node child.js <lib> <n> <only,…|-> <trace path|-> [copies]`, one JSON line per
 * row or failure on stdout. With `copies` > 0, a `heapPerDoc` row per scenario follows the suite's
 * rows (`doc-memory.ts`).
 */
import { loadTrace } from '../trace/trace-file.js';
import { captureLoads, heapPerLoadedDoc } from './doc-memory.js';
import { factoryOf, type SuiteLib, suiteLibs } from './factories/index.js';
import { Results } from './measure.js';
import { runSuite } from './run-suite.js';

const [lib, n, only, tracePath, copiesArg] = process.argv.slice(2);
const known = suiteLibs.find((l) => l === lib);
const copies = copiesArg === undefined ? 0 : Number(copiesArg);
if (
  known === undefined ||
  n === undefined ||
  only === undefined ||
  tracePath === undefined ||
  !Number.isInteger(copies) ||
  copies < 0
) {
  process.stderr.write('usage: child.js <lib> <n> <only|-> <trace|-> [copies]\n');
  process.exit(2);
}
const factory = factoryOf(known as SuiteLib);
const capture = copies > 0 ? captureLoads(factory) : null;
const { rows, failures } = runSuite(capture?.factory ?? factory, {
  n: Number(n),
  only: only === '-' ? [] : only.split(','),
  trace: tracePath === '-' ? null : loadTrace(tracePath),
  ...(capture === null ? {} : { onScenario: (b: string) => capture.scenario(b) }),
});
const extra = new Results(factory.name, factory.version, Number(n));
const failed = new Set(failures.map((f) => f.benchmark));
if (capture !== null)
  for (const [benchmark, bytes] of capture.states)
    if (!failed.has(benchmark)) extra.add(benchmark, 'heapPerDoc', heapPerLoadedDoc(factory, bytes, copies));
for (const line of [...rows, ...extra.rows, ...failures]) process.stdout.write(`${JSON.stringify(line)}\n`);
