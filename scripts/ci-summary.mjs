// Reads vitest's JSON report and prints the closing line CI reads: "N passed, N failed".
// Failed CI steps (install, build, lint, type-check) count as failures too. Exit 1 on any failure.
import { existsSync, readFileSync } from 'node:fs';

const [reportPath = '.ci/out/vitest.json', failedStepsArg = '0'] = process.argv.slice(2);
const failedSteps = Number(failedStepsArg) || 0;
let passed = 0;
let failed = 0;
if (existsSync(reportPath)) {
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed = (report.numFailedTests ?? 0) + (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // A suite that failed to load has no tests but still fails.
  for (const suite of report.testResults ?? []) {
    if (suite.status === 'failed' && (suite.assertionResults ?? []).length === 0) failed += 1;
  }
} else {
  failed += 1;
}
failed += failedSteps;
if (passed === 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
