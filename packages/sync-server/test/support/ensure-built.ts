/**
 * Keeps the relay CLI the process tests spawn (with `RelayProcess` from `src/testing`) built:
 * builds the package if `dist/main.js` is missing or older than the sources (CI builds before
 * testing, so this is for local runs).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RELAY_MAIN } from '../../src/testing/index.js';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const repo = join(pkg, '..', '..');

function newestMtime(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Build `dist/main.js` if it is missing or stale. */
export function ensureBuilt(): void {
  const sources = Math.max(newestMtime(join(pkg, 'src')), newestMtime(join(repo, 'packages', 'core', 'src')));
  if (existsSync(RELAY_MAIN) && statSync(RELAY_MAIN).mtimeMs >= sources) return;
  try {
    execFileSync(join(repo, 'node_modules', '.bin', 'tsc'), ['-b', 'packages/sync-server'], {
      cwd: repo,
      stdio: 'pipe',
    });
  } catch (e) {
    // tsc -b still emits files without errors; fail only if the CLI is missing.
    if (!existsSync(RELAY_MAIN)) throw e;
  }
}
