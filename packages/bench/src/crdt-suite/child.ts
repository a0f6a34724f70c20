/**
 * One library's run of the suite in its own process (started by `bench:crdt` with
 * `--expose-gc`): `node child.js <lib> <n> <only,…|-> <trace path|->`, one JSON line per row or
 * failure on stdout.
 */
import { loadTrace } from '../trace/trace-file.js';
import { factoryOf, type SuiteLib, suiteLibs } from './factories/index.js';
import { runSuite } from './run-suite.js';

const [lib, n, only, tracePath] = process.argv.slice(2);
const known = suiteLibs.find((l) => l === lib);
if (known === undefined || n === undefined || only === undefined || tracePath === undefined) {
  process.stderr.write('usage: child.js <lib> <n> <only|-> <trace|->\n');
  process.exit(2);
}
const { rows, failures } = runSuite(factoryOf(known as SuiteLib), {
  n: Number(n),
  only: only === '-' ? [] : only.split(','),
  trace: tracePath === '-' ? null : loadTrace(tracePath),
});
for (const line of [...rows, ...failures]) process.stdout.write(`${JSON.stringify(line)}\n`);
