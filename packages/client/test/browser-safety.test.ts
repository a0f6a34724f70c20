/**
 * The provider must bundle for browsers: no source file may import Node built-ins or `ws`
 * (Node users pass `ws` in as the `WebSocket` option).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The browser-safe entry points of `@accord/core` (pure, no Node built-ins). */
const CORE_ENTRIES = new Set(['@accord/core', '@accord/core/protocol', '@accord/core/crdts']);

const srcDir = join(dirname(fileURLToPath(import.meta.url)), '../src');

/** The code without comments (TSDoc examples may mention `ws`). */
function code(file: string): string {
  return readFileSync(join(srcDir, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
}

function importsOf(source: string): string[] {
  const specifiers: string[] = [];
  const re = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of source.matchAll(re)) specifiers.push((m[1] ?? m[2]) as string);
  return specifiers;
}

describe('browser safety of @accord/client', () => {
  const files = (readdirSync(srcDir, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));

  it('finds the sources', () => {
    expect(files).toContain('websocket-provider.ts');
    expect(importsOf(code('websocket-provider.ts'))).toContain('@accord/core');
  });

  it('finds the sources in subfolders too', () => {
    expect(files).toContain(join('persistence', 'indexeddb-persistence.ts'));
    expect(files).toContain(join('tabs', 'tab-channel.ts'));
  });

  it('imports only relative modules and the entry points of @accord/core', () => {
    for (const file of files) {
      for (const spec of importsOf(code(file))) {
        const relative = spec.startsWith('./') || spec.startsWith('../');
        expect(relative || CORE_ENTRIES.has(spec), `${file} imports ${spec}`).toBe(true);
      }
    }
  });

  it('uses no Node globals (process, Buffer, require)', () => {
    for (const file of files) {
      expect(/\b(process\.|Buffer\.|require\()/.test(code(file)), `${file} uses a Node global`).toBe(false);
    }
  });
});
