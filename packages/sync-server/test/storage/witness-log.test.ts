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
