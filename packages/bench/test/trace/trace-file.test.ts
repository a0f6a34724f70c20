import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
  TraceFormatError,
  traceName,
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
