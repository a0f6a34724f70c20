/**
 * Runs the real trace-bench command (built JS, a fresh `node --expose-gc` process per library)
 * on a small synthetic trace, one run, and checks every library's JSON line.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAccordCore } from '../../src/accord/core-api.js';
import { syntheticTrace } from '../../src/trace/synthetic.js';

const run = promisify(execFile);
const pkgDir = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(pkgDir, 'dist/bin/bench-trace.js');
let dir = '';
let accordReady = false;

beforeAll(async () => {
  if (!existsSync(cli)) await run('npx', ['tsc', '-b'], { cwd: pkgDir });
  dir = mkdtempSync(join(tmpdir(), 'accord-bench-'));
  const trace = syntheticTrace(400, 42);
  writeFileSync(join(dir, 'tiny.json.gz'), gzipSync(JSON.stringify(trace)));
  writeFileSync(join(dir, 'emoji.json.gz'), gzipSync(JSON.stringify(emojiTrace(300))));
  accordReady = await loadAccordCore().then(
    () => true,
    () => false,
  );
}, 120_000);

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

/**
 * A trace with astral characters whose positions count code points, as the editing-traces format
 * does (a position after an emoji is one less than its UTF-16 offset).
 */
function emojiTrace(edits: number): unknown {
  const chars = ['a', 'b', ' ', '😀', '🎉', '漢', '𝄞'];
  const doc: string[] = [];
  const txns: { patches: [number, number, string][] }[] = [];
  let x = 7;
  const next = (n: number) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % n;
  };
  for (let i = 0; i < edits; i++) {
    const pos = next(doc.length + 1);
    const del = doc.length > pos && next(4) === 0 ? 1 + next(Math.min(3, doc.length - pos)) : 0;
    const ins = del > 0 && next(2) === 0 ? '' : (chars[next(chars.length)] as string);
    doc.splice(pos, del, ...Array.from(ins));
    txns.push({ patches: [[pos, del, ins]] });
  }
  return { startContent: '', endContent: doc.join(''), txns };
}

/** One run of the CLI on `trace` (in the temporary folder), its JSON lines parsed. */
async function benchLines(trace: string): Promise<Record<string, unknown>[]> {
  const args = [cli, trace, '--runs', '1', '--json', ...(accordReady ? [] : ['--no-accord'])];
  const { stdout } = await run(process.execPath, args, { cwd: dir, env: { ...process.env, INIT_CWD: dir } });
  return stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('bench:trace', () => {
  it('replays a synthetic trace in every library, one JSON line each, all ok', async () => {
    const lines = await benchLines('tiny.json.gz');
    const expected = [...(accordReady ? ['accord'] : []), 'yjs', 'automerge', 'json-joy', 'loro'];
    expect(lines.map((l) => l.lib)).toEqual(expected);
    for (const l of lines) {
      expect(l, String(l.lib)).toMatchObject({ trace: 'tiny', ops: expect.any(Number), ok: true, runs: 1 });
      expect(l.ops).toBeGreaterThanOrEqual(400);
      for (const key of ['applyMs', 'encodeMs', 'loadMs', 'heapMB']) {
        expect(typeof l[key], `${l.lib} ${key}`).toBe('number');
        expect(Number.isFinite(l[key])).toBe(true);
      }
      expect(l.encodeBytes as number).toBeGreaterThan(0);
      // A remote typist's keystrokes into the replayed document (ok covers that both ended equal);
      // Automerge's and json-joy's full encodings cannot seed a peer, so they report none.
      if (l.lib === 'automerge' || l.lib === 'json-joy') expect(l.remoteKeyUs).toBeNull();
      else expect(l.remoteKeyUs as number, String(l.lib)).toBeGreaterThan(0);
    }
  }, 120_000);

  it('replays a trace with emoji (positions in code points) correctly in every library', async () => {
    const lines = await benchLines('emoji.json.gz');
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const l of lines) expect(l, String(l.lib)).toMatchObject({ trace: 'emoji', ok: true });
  }, 120_000);

  it('replays a generated trace with emoji in every library, the edits after it between code points', async () => {
    // Seed 18: the loaded text's middle falls inside a surrogate pair (and so would the remote
    // typist's places) unless moved off it.
    const lines = await benchLines('gen:emoji:1500:18');
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const l of lines) expect(l, String(l.lib)).toMatchObject({ trace: 'gen:emoji:1500:18', ok: true });
  }, 120_000);

  it('rejects an unknown library and a missing trace with exit code 2', async () => {
    await expect(
      run(process.execPath, [cli, 'tiny.json.gz', '--vs', 'nope'], { cwd: dir }),
    ).rejects.toMatchObject({
      code: 2,
    });
    await expect(
      run(process.execPath, [cli, 'no-such-trace.json.gz'], {
        cwd: dir,
        env: { ...process.env, INIT_CWD: dir },
      }),
    ).rejects.toMatchObject({ code: 2 });
    await expect(run(process.execPath, [cli, 'gen:nope'], { cwd: dir })).rejects.toMatchObject({ code: 2 });
  }, 60_000);
});
