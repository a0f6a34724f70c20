import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  countOps,
  listSharedTraces,
  loadTrace,
  parseTrace,
  resolveTracePath,
  sharedTraceDir,
  TraceFormatError,
  traceDirs,
  traceName,
  vendoredTraceDir,
} from '../../src/trace/trace-file.js';

const dir = mkdtempSync(join(tmpdir(), 'accord-trace-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('trace files', () => {
  it('parses the shared format and counts patches', () => {
    const t = parseTrace(
      JSON.stringify({
        startContent: '',
        endContent: 'hi',
        txns: [
          {
            time: 'x',
            patches: [
              [0, 0, 'h'],
              [1, 0, 'i'],
            ],
          },
        ],
      }),
    );
    expect(t.txns).toHaveLength(1);
    expect(countOps(t)).toBe(2);
  });

  it('rejects malformed traces with TraceFormatError', () => {
    expect(() => parseTrace('[]')).toThrow(TraceFormatError);
    expect(() => parseTrace(JSON.stringify({ startContent: '', endContent: '', txns: [{}] }))).toThrow(
      TraceFormatError,
    );
    const bad = { startContent: '', endContent: '', txns: [{ patches: [[-1, 0, 'x']] }] };
    expect(() => parseTrace(JSON.stringify(bad))).toThrow(/patch must be/);
    expect(() => parseTrace(JSON.stringify({ ...bad, txns: [{ patches: [[0, 0, 5]] }] }))).toThrow(
      TraceFormatError,
    );
  });

  it('loads gzipped files and resolves paths against cwd, then the shared folder', () => {
    const file = join(dir, 'mine.json.gz');
    writeFileSync(
      file,
      gzipSync(JSON.stringify({ startContent: 'a', endContent: 'ab', txns: [{ patches: [[1, 0, 'b']] }] })),
    );
    expect(loadTrace(file).endContent).toBe('ab');
    expect(resolveTracePath('mine.json.gz', dir)).toBe(file);
    expect(traceName(file)).toBe('mine');
    expect(() => resolveTracePath('nope.json.gz', dir)).toThrow(TraceFormatError);
    const shared = listSharedTraces();
    expect(shared.map(traceName)).toContain('automerge-paper');
    expect(resolveTracePath('automerge-paper', dir)).toBe(
      shared.find((p) => traceName(p) === 'automerge-paper'),
    );
  });
});

describe('trace lookup: the shared folder, then the vendored one', () => {
  // Two stand-ins in the temporary folder (the real shared folder is read-only and may be absent).
  const shared = join(dir, 'shared');
  const vendored = join(dir, 'vendored');
  const dirs = [shared, vendored];
  const files = [
    join(shared, 'a.json.gz'),
    join(shared, 'concurrent', 'c.json.gz'),
    join(vendored, 'a.json.gz'),
    join(vendored, 'b.json.gz'),
    join(vendored, 'concurrent', 'c.json.gz'),
    join(vendored, 'concurrent', 'd.json.gz'),
    join(vendored, 'README.md'),
  ];
  for (const f of files) {
    mkdirSync(join(f, '..'), { recursive: true });
    writeFileSync(f, '');
  }
  const elsewhere = join(dir, 'cwd');
  mkdirSync(elsewhere, { recursive: true });

  it('searches the shared folder first, then the vendored one', () => {
    expect(traceDirs()).toEqual([sharedTraceDir(), vendoredTraceDir()]);
  });

  it('resolves a name in the shared folder to the shared file, even when it is vendored too', () => {
    expect(resolveTracePath('a', elsewhere, dirs)).toBe(join(shared, 'a.json.gz'));
    expect(resolveTracePath('c.json.gz', elsewhere, dirs)).toBe(join(shared, 'concurrent', 'c.json.gz'));
  });

  it('resolves a name found only in the vendored folder (or its concurrent/) to the vendored file', () => {
    expect(resolveTracePath('b', elsewhere, dirs)).toBe(join(vendored, 'b.json.gz'));
    expect(resolveTracePath('d', elsewhere, dirs)).toBe(join(vendored, 'concurrent', 'd.json.gz'));
    expect(resolveTracePath('b', elsewhere, [join(dir, 'no-such-folder'), vendored])).toBe(
      join(vendored, 'b.json.gz'),
    );
  });

  it('names every place it looked in when a trace is nowhere', () => {
    let message = '';
    try {
      resolveTracePath('nope', elsewhere, dirs);
    } catch (e) {
      expect(e).toBeInstanceOf(TraceFormatError);
      message = (e as Error).message;
    }
    for (const place of [elsewhere, shared, vendored]) expect(message).toContain(place);
  });

  it('lists the shared traces plus the vendored ones of other file names, sequential first', () => {
    expect(listSharedTraces(dirs)).toEqual([
      join(shared, 'a.json.gz'),
      join(vendored, 'b.json.gz'),
      join(shared, 'concurrent', 'c.json.gz'),
      join(vendored, 'concurrent', 'd.json.gz'),
    ]);
    expect(listSharedTraces([join(dir, 'no-such-folder'), vendored])).toEqual([
      join(vendored, 'a.json.gz'),
      join(vendored, 'b.json.gz'),
      join(vendored, 'concurrent', 'c.json.gz'),
      join(vendored, 'concurrent', 'd.json.gz'),
    ]);
  });

  it('has the ten committed traces in the vendored folder', () => {
    const names = [
      'automerge-paper',
      'clownschool_flat',
      'friendsforever_flat',
      'json-crdt-blog-post',
      'json-crdt-patch',
      'rustcode',
      'seph-blog1',
      'sveltecomponent',
      'clownschool',
      'friendsforever',
    ];
    expect(listSharedTraces([vendoredTraceDir()]).map(traceName)).toEqual(names);
    for (const name of names) expect(listSharedTraces().map(traceName)).toContain(name);
  });
});
