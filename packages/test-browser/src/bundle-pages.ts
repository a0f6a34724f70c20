/**
 * Bundling a browser-test page directory once per test run (Vite, into a temporary directory),
 * for a vitest global setup. Vite is loaded only when this is called.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A bundled page directory and how to remove it. */
export interface BundledPages {
  readonly outDir: string;
  remove(): Promise<void>;
}

/**
 * Bundle the HTML pages `pages` (file names in `pageRoot`; default `index.html`) with their
 * scripts, resolving workspace packages to their sources.
 */
export async function bundlePages(
  pageRoot: string,
  pages: readonly string[] = ['index.html'],
): Promise<BundledPages> {
  const { build } = await import('vite');
  const outDir = await mkdtemp(join(tmpdir(), 'accord-test-page-'));
  const remove = (): Promise<void> => rm(outDir, { recursive: true, force: true });
  try {
    await build({
      root: pageRoot,
      logLevel: 'warn',
      configFile: false,
      resolve: { conditions: ['@accord/source', 'module', 'browser', 'import', 'default'] },
      build: {
        outDir,
        emptyOutDir: true,
        minify: false,
        rollupOptions: {
          input: Object.fromEntries(pages.map((p) => [p.replace(/\.html$/, ''), join(pageRoot, p)])),
        },
      },
    });
  } catch (error) {
    await remove();
    throw error;
  }
  return { outDir, remove };
}
