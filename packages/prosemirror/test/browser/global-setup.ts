/**
 * Bundles the browser-test pages (the plain ProseMirror one and the Tiptap one) once per run (Vite, into a temporary directory) and hands the
 * directory to the browser tests through `inject('prosemirrorPage')`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    prosemirrorPage: string;
  }
}

const pageRoot = resolve(dirname(fileURLToPath(import.meta.url)), 'page');

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const outDir = await mkdtemp(join(tmpdir(), 'accord-pm-page-'));
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
          input: { main: join(pageRoot, 'index.html'), tiptap: join(pageRoot, 'tiptap.html') },
        },
      },
    });
  } catch (error) {
    await rm(outDir, { recursive: true, force: true });
    throw error;
  }
  project.provide('prosemirrorPage', outDir);
  return () => rm(outDir, { recursive: true, force: true });
}
