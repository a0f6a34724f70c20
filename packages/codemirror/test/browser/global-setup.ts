/**
 * Bundles the browser-test page once per run (`bundlePages` of `@accord/test-browser`) and hands the
 * directory to the browser tests through `inject('codemirrorPage')`.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundlePages } from '@accord/test-browser';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    codemirrorPage: string;
  }
}

const pageRoot = resolve(dirname(fileURLToPath(import.meta.url)), 'page');

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const bundled = await bundlePages(pageRoot, ['index.html']);
  project.provide('codemirrorPage', bundled.outDir);
  return bundled.remove;
}
