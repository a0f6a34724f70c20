import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore, StoreClosedError } from '../../src/storage/sqlite-store.js';
import { WorkerCommitter } from '../../src/storage/worker-committer.js';
import { gsetUpdate } from '../support/gset-engine.js';
import { removeTempDirs, tempDir } from '../support/tmp.js';

afterEach(removeTempDirs);
const u = (counter: number) => gsetUpdate([{ replica: 1, counter, payload: `p${counter}` }]);

describe('WorkerCommitter', () => {
  it('commits on a worker thread, one transaction per batch, in queue order', async () => {
    const store = SqliteStore.open({ dir: tempDir(), nodeId: 1 });
    const wc = new WorkerCommitter(store.path, 'full');
    const sizes: number[] = [];
    wc.onBatch(({ size, perDoc }) => {
      sizes.push(size);
      expect([...perDoc.values()].reduce((a, b) => a + b, 0)).toBe(size);
    });
    const seqs = await Promise.all(Array.from({ length: 100 }, (_, i) => wc.append(`d${i % 2}`, u(i + 1))));
    expect(sizes).toEqual([100]);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    // The main thread's connection sees what the worker committed.
    expect(store.load('d0').updates).toHaveLength(50);
    await wc.close();
    store.close();
  });

  it('while a commit runs, later appends gather into the next batch (pipelined group commit)', async () => {
    const store = SqliteStore.open({ dir: tempDir(), nodeId: 1 });
    const wc = new WorkerCommitter(store.path, 'full');
    const sizes: number[] = [];
    wc.onBatch(({ size }) => sizes.push(size));
    const first = wc.append('d', u(1));
    await new Promise((r) => setImmediate(r)); // the first batch is now with the worker
    const rest = Array.from({ length: 30 }, (_, i) => wc.append('d', u(i + 2)));
    expect(wc.pending).toBe(31);
    await Promise.all([first, ...rest]);
    expect(sizes).toEqual([1, 30]);
    await wc.flush();
    expect(wc.pending).toBe(0);
    await wc.close();
    await expect(wc.append('d', u(99))).rejects.toBeInstanceOf(StoreClosedError);
    const reopened = SqliteStore.open({ dir: store.path.replace(/\/node-1\.sqlite$/, ''), nodeId: 1 });
    expect(reopened.load('d').updates).toHaveLength(31);
    reopened.close();
    store.close();
  });

  it('rejects the appends of a failed transaction, nothing of it stored, and keeps working', async () => {
    const store = SqliteStore.open({ dir: tempDir(), nodeId: 1 });
    const wc = new WorkerCommitter(store.path, 'normal');
    const ok = wc.append('d', u(1));
    const bad = wc.append(null as unknown as string, u(2));
    await expect(ok).rejects.toThrow(/commit failed/);
    await expect(bad).rejects.toThrow(/commit failed/);
    expect(store.load('d').updates).toHaveLength(0);
    await expect(wc.append('d', u(1))).resolves.toBeGreaterThan(0);
    await wc.close();
    store.close();
  });

  it('a batch that spans every insert size stores each update at its own position, in order', async () => {
    const store = SqliteStore.open({ dir: tempDir(), nodeId: 1 });
    const wc = new WorkerCommitter(store.path, 'normal');
    // 64 + 64 + 16 + 4 + 1 + 1 rows: every multi-row statement, interleaved over three documents.
    const n = 150;
    const seqs = await Promise.all(Array.from({ length: n }, (_, i) => wc.append(`d${i % 3}`, u(i + 1))));
    expect(seqs).toEqual(Array.from({ length: n }, (_, i) => (seqs[0] as number) + i));
    for (let d = 0; d < 3; d++) {
      const want = Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 === d);
      const loaded = store.load(`d${d}`);
      expect(loaded.updates.map((x) => Buffer.from(x).toString('hex'))).toEqual(
        want.map((i) => Buffer.from(u(i + 1)).toString('hex')),
      );
      expect(loaded.lastSeq).toBe(seqs[want.at(-1) as number]);
    }
    // The next batch continues the positions.
    const next = await wc.append('d0', u(n + 1));
    expect(next).toBe((seqs[n - 1] as number) + 1);
    await wc.close();
    store.close();
  });

  it('a failed row in a multi-row statement rejects the whole batch and stores none of it', async () => {
    const store = SqliteStore.open({ dir: tempDir(), nodeId: 1 });
    const wc = new WorkerCommitter(store.path, 'normal');
    const all = Array.from({ length: 100 }, (_, i) =>
      wc.append(i === 70 ? (null as unknown as string) : 'd', u(i + 1)),
    );
    for (const p of all) await expect(p).rejects.toThrow(/commit failed/);
    expect(store.load('d').updates).toHaveLength(0);
    await expect(wc.append('d', u(1))).resolves.toBeGreaterThan(0);
    expect(store.load('d').updates).toHaveLength(1);
    await wc.close();
    store.close();
  });
});

describe('WorkerCommitter compaction', () => {
  it('compacts on the worker between batches; snapshot plus later updates is the document', async () => {
    const store = SqliteStore.open({ dir: tempDir(), nodeId: 1 });
    const wc = new WorkerCommitter(store.path, 'full');
    const seqs = await Promise.all([1, 2, 3].map((c) => wc.append('d', u(c))));
    const snapshot = gsetUpdate([1, 2, 3].map((c) => ({ replica: 1, counter: c, payload: `p${c}` })));
    // Appends queued around the compaction keep their order and are not dropped.
    const during = wc.append('d', u(4));
    await wc.compact('d', snapshot, seqs[2] as number);
    await during;
    await wc.compact('d', u(1), seqs[0] as number); // older than the stored snapshot: ignored
    const loaded = store.load('d');
    expect(loaded.snapshotUpTo).toBe(seqs[2]);
    expect(Array.from(loaded.snapshot as Uint8Array)).toEqual(Array.from(snapshot));
    expect(loaded.updates.map((x) => Array.from(x))).toEqual([Array.from(u(4))]);
    await wc.close();
    store.close();
  });

  it('a compaction waits for another connection that holds the write lock and commits meanwhile', async () => {
    // A deferred transaction reads, then waits for the write lock; when the other connection
    // commits first, its read is stale and SQLite refuses it at once ("database is locked"), which
    // chaos logs showed for compactions on full nodes. The worker's transactions take the lock
    // first (BEGIN IMMEDIATE), so they wait for it instead.
    const store = SqliteStore.open({ dir: tempDir(), nodeId: 1 });
    const wc = new WorkerCommitter(store.path, 'full');
    const seqs = await Promise.all([1, 2].map((c) => wc.append('d', u(c))));
    const other = new Database(store.path);
    other.pragma('busy_timeout = 10000');
    other.exec('CREATE TABLE IF NOT EXISTS probe (x INTEGER)');
    other.exec('BEGIN IMMEDIATE');
    const snapshot = gsetUpdate([1, 2].map((c) => ({ replica: 1, counter: c, payload: `p${c}` })));
    const compaction = wc.compact('d', snapshot, seqs[1] as number);
    const appended = wc.append('d', u(3));
    // Let the worker reach the lock, then write and commit on the other connection.
    await new Promise((r) => setTimeout(r, 300));
    other.exec('INSERT INTO probe VALUES (1)');
    other.exec('COMMIT');
    await expect(compaction).resolves.toBeUndefined();
    await expect(appended).resolves.toBeGreaterThan(seqs[1] as number);
    const loaded = store.load('d');
    expect(loaded.snapshotUpTo).toBe(seqs[1]);
    expect(loaded.updates.map((x) => Array.from(x))).toEqual([Array.from(u(3))]);
    other.close();
    await wc.close();
    store.close();
  });
});

describe('WorkerCommitter versions', () => {
  const version = (seq: number, byte: number) => ({
    term: 1,
    seq,
    at: 1000 + seq,
    stateVector: new Uint8Array([seq]),
    data: new Uint8Array([byte, byte]),
  });
  const numbered = (seq: number) => ({ key: 'cluster.snapshot:d', value: JSON.stringify({ term: 1, seq }) });

  it('keeps a version with its number in one transaction on the worker, in order with appends, pruned to keep', async () => {
    const store = SqliteStore.open({ dir: tempDir(), nodeId: 1 });
    const wc = new WorkerCommitter(store.path, 'full');
    const before = wc.append('d', u(1));
    const kept = [1, 2, 3].map((seq) => wc.putVersion('d', version(seq, 10 + seq), 2, numbered(seq)));
    const after = wc.append('d', u(2));
    await Promise.all([before, ...kept, after]);
    // The main thread's connection sees the two newest versions and the last number.
    expect(store.listVersions('d').map((v) => [v.term, v.seq, v.at, v.size])).toEqual([
      [1, 2, 1002, 2],
      [1, 3, 1003, 2],
    ]);
    expect(Array.from(store.getVersion('d', 1, 3)?.data ?? [])).toEqual([13, 13]);
    expect(store.getMeta('cluster.snapshot:d')).toBe(JSON.stringify({ term: 1, seq: 3 }));
    expect(store.load('d').updates).toHaveLength(2);
    // Without metadata, and with keep 0 (keep all), nothing else changes.
    await wc.putVersion('e', version(7, 1), 0);
    expect(store.listVersions('e').map((v) => v.seq)).toEqual([7]);
    expect(store.getMeta('cluster.snapshot:d')).toBe(JSON.stringify({ term: 1, seq: 3 }));
    await wc.close();
    store.close();
  });

  it('versions queued while the worker is busy commit in order, each resolved', async () => {
    const store = SqliteStore.open({ dir: tempDir(), nodeId: 1 });
    const wc = new WorkerCommitter(store.path, 'full');
    const first = wc.append('d', u(1));
    await new Promise((r) => setImmediate(r)); // the append is with the worker
    const done: number[] = [];
    const kept = [1, 2, 3, 4, 5].map((seq) =>
      wc.putVersion('d', version(seq, seq), 0, numbered(seq)).then(() => done.push(seq)),
    );
    await Promise.all([first, ...kept]);
    expect(done).toEqual([1, 2, 3, 4, 5]);
    expect(store.listVersions('d').map((v) => v.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(store.getMeta('cluster.snapshot:d')).toBe(JSON.stringify({ term: 1, seq: 5 }));
    await wc.close();
    store.close();
  });

  it('stores nothing of a failed version, number included, keeps working, and refuses versions once closed', async () => {
    const store = SqliteStore.open({ dir: tempDir(), nodeId: 1 });
    const wc = new WorkerCommitter(store.path, 'normal');
    // versions.data is NOT NULL: the insert fails after the number was set in the transaction.
    const bad = { ...version(1, 1), data: null as unknown as Uint8Array };
    await expect(wc.putVersion('d', bad, 0, numbered(1))).rejects.toThrow(/version failed/);
    expect(store.getMeta('cluster.snapshot:d')).toBeUndefined();
    expect(store.listVersions('d')).toEqual([]);
    await wc.putVersion('d', version(1, 5), 0, numbered(1));
    expect(store.getMeta('cluster.snapshot:d')).toBe(JSON.stringify({ term: 1, seq: 1 }));
    await wc.close();
    await expect(wc.putVersion('d', version(2, 5), 0)).rejects.toBeInstanceOf(StoreClosedError);
    store.close();
  });
});
