#!/usr/bin/env node
// Fails on any import cycle inside a package's own sources: runs madge over packages/*/src (every
// package that has one), type-only imports included (`import type` counts as an edge: a cycle of
// types is still a cycle a reader has to untangle). Options come from the root .madgerc (so
// `npx madge --circular packages/core/src` reports the same); imports that leave the folder
// (`@accord/core` resolving into another package's dist, say) are not followed, so each package
// is checked on its own src.
//
//   node scripts/check-cycles.mjs [package ...]
//
// Exit code 0 when no package has a cycle, 1 otherwise (each cycle is printed, one per line).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import madge from 'madge';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const config = JSON.parse(readFileSync(join(ROOT, '.madgerc'), 'utf8'));

const wanted = process.argv.slice(2);
const packages = readdirSync(join(ROOT, 'packages'))
  .filter((name) => existsSync(join(ROOT, 'packages', name, 'src')))
  .filter((name) => wanted.length === 0 || wanted.includes(name))
  .sort();

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
let cycles = 0;
for (const name of packages) {
  const src = join(ROOT, 'packages', name, 'src');
  const result = await madge(src, {
    ...config,
    baseDir: src,
    // Do not follow imports out of this package's src (the tree would hold other packages' files).
    dependencyFilter: (path) => path.startsWith(src + sep),
  });
  const files = Object.keys(result.obj()).length;
  const found = result.circular();
  cycles += found.length;
  console.log(`${name}: ${files} files, ${found.length === 0 ? 'no cycle' : plural(found.length, 'cycle')}`);
  for (const cycle of found) console.log(`  ${[...cycle, cycle[0]].join(' > ')}`);
}
if (packages.length === 0) {
  console.log('no package src found');
  process.exit(1);
}
console.log(cycles === 0 ? 'no import cycle' : plural(cycles, 'import cycle'));
process.exit(cycles === 0 ? 0 : 1);
