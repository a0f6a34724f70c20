#!/usr/bin/env node
/**
 * API reports of the published packages, with API Extractor: one Markdown file per entry point
 * (`packages/<pkg>/api/<name>.api.md`), committed, so a change to the public surface shows in
 * review. Run after `pnpm build` (it reads the emitted `.d.ts`).
 *
 *   node scripts/api-report.mjs           update the reports
 *   node scripts/api-report.mjs --check   fail (exit 1) when a report differs from the code (CI)
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');
const unknown = process.argv.slice(2).filter((a) => a !== '--check');
if (unknown.length > 0) {
  console.error(`api-report: unknown argument ${unknown.join(' ')} (only --check)`);
  process.exit(2);
}

/** Every published entry point: package folder, `.d.ts` entry under dist, report name. */
const ENTRIES = [
  ['core', 'index.d.ts', 'core'],
  ['core', 'crdts.d.ts', 'core-crdts'],
  ['core', 'protocol.d.ts', 'core-protocol'],
  ['core', 'testing/index.d.ts', 'core-testing'],
  ['client', 'index.d.ts', 'client'],
  ['sync-server', 'index.d.ts', 'sync-server'],
  ['sync-server', 'testing/index.d.ts', 'sync-server-testing'],
  ['codemirror', 'index.d.ts', 'codemirror'],
  ['prosemirror', 'index.d.ts', 'prosemirror'],
];

const temp = mkdtempSync(join(tmpdir(), 'accord-api-'));
let failed = 0;
try {
  for (const [pkg, entry, name] of ENTRIES) {
    const folder = join(root, 'packages', pkg);
    mkdirSync(join(folder, 'api'), { recursive: true });
    const config = ExtractorConfig.prepare({
      configObject: {
        projectFolder: folder,
        mainEntryPointFilePath: join(folder, 'dist', entry),
        compiler: {
          // Without the workspace's `@accord/source` condition: resolve dependencies to their
          // emitted `.d.ts`, as a consumer of the published packages does.
          overrideTsconfig: {
            extends: join(folder, 'tsconfig.json'),
            compilerOptions: { customConditions: [] },
          },
        },
        apiReport: {
          enabled: true,
          reportFileName: `${name}.api.md`,
          reportFolder: join(folder, 'api'),
          reportTempFolder: join(temp, name),
        },
        docModel: { enabled: false },
        dtsRollup: { enabled: false },
        tsdocMetadata: { enabled: false },
        messages: {
          compilerMessageReporting: { default: { logLevel: 'warning' } },
          extractorMessageReporting: {
            default: { logLevel: 'warning' },
            // Accord does not tag releases (@public/@beta): every export is public.
            'ae-missing-release-tag': { logLevel: 'none' },
            // Members of documented interfaces often need no words of their own (TypeDoc checks docs).
            'ae-undocumented': { logLevel: 'none' },
            // Listed in the report, where a reviewer sees it.
            'ae-forgotten-export': { logLevel: 'none', addToApiReportFile: true },
            'ae-incompatible-release-tags': { logLevel: 'none', addToApiReportFile: true },
            // `@internal` names keep their names (no underscore convention here).
            'ae-internal-missing-underscore': { logLevel: 'none' },
            // TSDoc's {@link member} within a class is resolved by TypeDoc (`pnpm run docs`), not here.
            'ae-unresolved-link': { logLevel: 'none' },
          },
          tsdocMessageReporting: { default: { logLevel: 'none' } },
        },
      },
      configObjectFullPath: join(folder, 'api-extractor.json'),
      packageJsonFullPath: join(folder, 'package.json'),
    });
    const result = Extractor.invoke(config, {
      localBuild: !check,
      showVerboseMessages: false,
      messageCallback: (m) => {
        // One line per problem, not API Extractor's banner.
        if (m.logLevel === 'warning' || m.logLevel === 'error') {
          console.error(`${name}: ${m.text}`);
          m.handled = true;
        } else m.handled = true;
      },
    });
    const changed = result.apiReportChanged;
    if (!result.succeeded || (check && changed)) {
      failed++;
      console.error(
        `${name}: ${changed ? `the public API differs from packages/${pkg}/api/${name}.api.md: run \`node scripts/api-report.mjs\` after \`pnpm build\`, review and commit it` : 'API Extractor failed'}`,
      );
    } else console.log(`${name}: ${changed ? 'report updated' : 'unchanged'}`);
  }
} finally {
  rmSync(temp, { recursive: true, force: true });
}
process.exit(failed > 0 ? 1 : 0);
