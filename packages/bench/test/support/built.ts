/**
 * Tests that run the bench's own processes (`pnpm chaos`, the cluster harness's node wrapper)
 * need `packages/bench/dist`. `pnpm build` makes it; when the sources are newer (a test run
 * straight after an edit), this rebuilds the bench project once before the tests start.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root directory. */
export const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
/** The bench's build output. */
export const BENCH_DIST = join(REPO, 'packages', 'bench', 'dist');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/**
 * Make sure `dist/<file>` exists and is newer than the sources of the bench and the packages it
 * runs; rebuilds with `tsc -b packages/bench` when not. Returns the file's absolute path.
 */
export function ensureBenchBuilt(file: string): string {
  const target = join(BENCH_DIST, file);
  const src = Math.max(
    ...['bench', 'sync-server', 'core', 'client'].map((p) => newest(join(REPO, 'packages', p, 'src'))),
  );
  if (existsSync(target) && statSync(target).mtimeMs >= src) return target;
  try {
    execFileSync(join(REPO, 'node_modules', '.bin', 'tsc'), ['-b', 'packages/bench'], {
      cwd: REPO,
      stdio: 'pipe',
    });
  } catch (e) {
    if (!existsSync(target)) throw e;
  }
  return target;
}
