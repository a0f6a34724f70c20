/**
 * Builds the demo once per test run (Vite, production mode, into a temporary directory) and
 * hands the directory to the browser tests through `inject('demoDist')`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    demoDist: string;
  }
}

const demoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const outDir = await mkdtemp(join(tmpdir(), 'accord-demo-dist-'));
  try {
    await build({ root: demoRoot, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  } catch (error) {
    await rm(outDir, { recursive: true, force: true });
    throw error;
  }
  project.provide('demoDist', outDir);
  return () => rm(outDir, { recursive: true, force: true });
}
