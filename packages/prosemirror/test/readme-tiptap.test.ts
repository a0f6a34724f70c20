/**
 * The README's Tiptap example is the code the Tiptap browser test runs: its body equals the
 * marked section of the Tiptap test page, but for the page's channel (its presence source), and
 * every import it names is one the page makes.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
const page = readFileSync(resolve(root, 'test/browser/page/tiptap.ts'), 'utf8');

/** The ```ts block of the README's "## Tiptap" section. */
function readmeExample(): string {
  const section = readme.slice(readme.indexOf('## Tiptap'));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (!match?.[1]) throw new Error('no ts block in the Tiptap section');
  return match[1];
}

/** The page's code between its example markers. */
function pageExample(): string {
  const start = page.indexOf("// --- The README's example");
  const end = page.indexOf('// --- end of the example ---');
  if (start < 0 || end < start) throw new Error('example markers missing from the page');
  return page.slice(page.indexOf('\n', start) + 1, end);
}

const body = (code: string): string[] =>
  code
    .split('\n')
    .filter((line) => !line.startsWith('import ') && line.trim() !== '')
    .map((line) => line.trimEnd());

/** Imported names per module, from `import { a, b } from 'm'` and `import X from 'm'` lines. */
function imports(code: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const m of code.matchAll(/^import (?:type )?(?:\{([^}]*)\}|(\w+)) from '([^']+)';$/gm)) {
    const module = (m[3] as string).replace(/^\.\.\/\.\.\/\.\.\/src\/index\.js$/, '@accord/prosemirror');
    const names = out.get(module) ?? new Set<string>();
    for (const name of (m[1] ?? m[2] ?? '').split(',')) if (name.trim()) names.add(name.trim());
    out.set(module, names);
  }
  return out;
}

describe("the README's Tiptap example", () => {
  it('is the code the Tiptap browser test runs', () => {
    const fromPage = body(pageExample())
      .filter((line) => !line.includes('channelSync('))
      .map((line) => line.replace(', presence: sync.presence }', ' /*, presence: provider */ }'));
    expect(body(readmeExample())).toEqual(fromPage);
  });

  it('imports only what the page imports', () => {
    const pageImports = imports(page);
    for (const [module, names] of imports(readmeExample())) {
      for (const name of names)
        expect(pageImports.get(module)?.has(name), `${name} from ${module}`).toBe(true);
    }
  });
});
