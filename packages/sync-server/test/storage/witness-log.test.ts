import { statSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/storage/sqlite-store.js';
import { WitnessLog } from '../../src/storage/witness-log.js';
import { removeTempDirs, tempDir } from '../support/tmp.js';

afterAll(() => removeTempDirs());

const fileBytes = (path: string) =>
  statSync(path).size + (statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0);

describe('WitnessLog', () => {
  it('drops a document up to a position, leaving later entries and other documents', () => {
    const store = SqliteStore.open({ dir: tempDir(), nodeId: 3 });
    const log = new WitnessLog(store.path);
    try {
      const [a1, a2] = store.append([
        { docId: 'a', update: new Uint8Array([1, 2]) },
        { docId: 'a', update: new Uint8Array([3]) },
        { docId: 'b', update: new Uint8Array([4, 5, 6]) },
      ]) as [number, number];
      expect(log.storedBytes()).toEqual({ updates: 3, updateBytes: 6, snapshotBytes: 0, versionBytes: 0 });
      expect(log.dropUpTo('a', a1)).toBe(1);
      expect(store.load('a').updates).toEqual([new Uint8Array([3])]);
      store.fold(); // folded rows go too
      expect(log.dropUpTo('a', a2)).toBe(1);
      expect(store.load('a').updates).toEqual([]);
      expect(store.load('b').updates).toHaveLength(1);
      expect(log.storedBytes().updateBytes).toBe(3);
    } finally {
      log.close();
      store.close();
    }
  });

  it('reads stamped entries in log order, staged and folded, skips unstamped ones, and drops stamps with their entries', () => {
    const store = SqliteStore.open({ dir: tempDir(), nodeId: 3 });
    const log = new WitnessLog(store.path);
    try {
      const [s1, s2, s3] = store.append([
        { docId: 'a', update: new Uint8Array([1]) },
        { docId: 'a', update: new Uint8Array([2, 2]) },
        { docId: 'b', update: new Uint8Array([9]) },
      ]) as [number, number, number];
      store.fold(); // the first rows move to the clustered table
      const s4 = store.append([{ docId: 'a', update: new Uint8Array([4, 4, 4]) }])[0] as number;
      const stamp = (x: number) => new Uint8Array([x]);
      log.saveStamps([
        { docId: 'a', seq: s1, origin: 1, stamp: stamp(1) },
        { docId: 'b', seq: s3, origin: 2, stamp: stamp(3) },
        { docId: 'a', seq: s4, origin: 2, stamp: stamp(4) },
      ]); // s2 has none: never acknowledged, never offered
      const all = log.entries('a', 0, 10, 1 << 20);
      expect(all.upTo).toBe(s4);
      expect(all.entries.map((e) => [e.seq, e.origin, [...e.stamp], [...e.update]])).toEqual([
        [s1, 1, [1], [1]],
        [s4, 2, [4], [4, 4, 4]],
      ]);
      // Stopping at an unstamped update (one whose stamp may be about to be saved) instead.
      expect(log.entries('a', 0, 10, 1 << 20, true)).toMatchObject({ upTo: s1, entries: [{ seq: s1 }] });
      // Bounds: by count, and by bytes (but never an empty offer while something is held).
      expect(log.entries('a', 0, 1, 1 << 20)).toMatchObject({ upTo: s2, entries: [{ seq: s1 }] });
      expect(log.entries('a', s2, 10, 1)).toMatchObject({ upTo: s4, entries: [{ seq: s4 }] });
      expect(log.entries('a', s4, 10, 1 << 20)).toEqual({ entries: [], upTo: 0 });
      log.dropUpTo('a', s2);
      expect(log.entries('a', 0, 10, 1 << 20).entries.map((e) => e.seq)).toEqual([s4]);
      // A stamp saved again for a position (a retried save) replaces the first.
      log.saveStamps([{ docId: 'a', seq: s4, origin: 2, stamp: stamp(5) }]);
      expect([...(log.entries('a', 0, 10, 1 << 20).entries[0]?.stamp ?? [])]).toEqual([5]);
    } finally {
      log.close();
      store.close();
    }
  });

  it('gives the file back once most of it is free, and not before', () => {
    const store = SqliteStore.open({ dir: tempDir(), nodeId: 3 });
    const log = new WitnessLog(store.path);
    try {
      const row = new Uint8Array(4096).fill(7);
      store.append(Array.from({ length: 1000 }, () => ({ docId: 'big', update: row })));
      store.append([{ docId: 'small', update: new Uint8Array([1]) }]);
      expect(log.reclaim()).toBe(false); // nothing free yet
      const before = fileBytes(store.path);
      expect(before).toBeGreaterThan(4_000_000);
      log.dropUpTo('big', Number.MAX_SAFE_INTEGER);
      expect(log.reclaim()).toBe(true);
      expect(fileBytes(store.path)).toBeLessThan(before / 10);
      expect(store.load('small').updates).toHaveLength(1);
      expect(log.reclaim()).toBe(false);
    } finally {
      log.close();
      store.close();
    }
  });
});
