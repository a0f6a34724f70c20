import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { RoomRegistry } from '../../src/relay/rooms.js';
import { SqliteStore } from '../../src/storage/sqlite-store.js';
import { ManualScheduler } from '../../src/time/scheduler.js';
import { type GSetDocument, gsetEngine, gsetUpdate } from '../support/gset-engine.js';
import { removeTempDirs, tempDir } from '../support/tmp.js';

afterEach(removeTempDirs);
const u = (replica: number, counter: number) =>
  gsetUpdate([{ replica, counter, payload: `${replica}.${counter}` }]);

function registry(store: SqliteStore, snapshotEvery = 0, clock = new ManualScheduler()) {
  const compactions: number[] = [];
  const r = new RoomRegistry({
    scheduler: clock,
    store,
    engine: gsetEngine,
    logger: pino({ level: 'silent' }),
    snapshotEvery,
    idleMs: 10,
    onCompact: (_d, n) => compactions.push(n),
  });
  return { r, compactions, clock };
}

/** Apply to the room, then store: the order the relay follows. */
function write(r: RoomRegistry, store: SqliteStore, docId: string, update: Uint8Array) {
  const room = r.acquire(docId);
  room.doc.apply(update);
  store.append([{ docId, update }]);
  r.committed(new Map([[docId, 1]]));
  r.release(room);
}

describe('RoomRegistry compaction', () => {
  it('snapshots a complete document in place of its log; a reload sees the same document', async () => {
    const dir = tempDir();
    const store = SqliteStore.open({ dir, nodeId: 1 });
    const { r, compactions } = registry(store);
    for (let c = 1; c <= 5; c++) write(r, store, 'd', u(1, c));
    await r.compact('d');
    expect(compactions).toEqual([5]);
    expect(store.logLength('d')).toBe(0);
    write(r, store, 'd', u(1, 6));
    r.close();
    const again = registry(store).r;
    expect((again.acquire('d').doc as GSetDocument).toJSON()).toEqual([
      '1.1',
      '1.2',
      '1.3',
      '1.4',
      '1.5',
      '1.6',
    ]);
    store.close();
  });

  it('merges the stored log when the document holds updates back, so nothing held is lost', async () => {
    const dir = tempDir();
    const store = SqliteStore.open({ dir, nodeId: 1 });
    const { r, compactions } = registry(store);
    write(r, store, 'd', u(1, 1));
    write(r, store, 'd', u(2, 2)); // held: 2.1 is missing
    expect(r.get('d')?.doc.complete()).toBe(false);
    await r.compact('d');
    expect(compactions).toEqual([2]);
    r.close();
    const again = registry(store).r;
    const room = again.acquire('d');
    expect((room.doc as GSetDocument).toJSON()).toEqual(['1.1']);
    room.doc.apply(u(2, 1)); // the held entry is still there and integrates now
    expect((room.doc as GSetDocument).toJSON()).toEqual(['1.1', '2.1', '2.2']);
    store.close();
  });

  it('queues documents past the threshold and compacts them one at a time, one per macrotask', async () => {
    const store = SqliteStore.open({ dir: tempDir(), nodeId: 1 });
    const { r, compactions, clock } = registry(store, 3);
    for (let c = 1; c <= 3; c++) for (const d of ['a', 'b']) write(r, store, d, u(1, c));
    expect(compactions).toEqual([]);
    // One compaction per timer turn: the second is scheduled only once the first has finished.
    expect(clock.runNext()).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(compactions).toEqual([3]);
    expect(clock.runNext()).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(compactions).toEqual([3, 3]);
    expect(store.logLength('a') + store.logLength('b')).toBe(0);
    r.close();
    store.close();
  });

  it('unloads a room idleMs after its last hold, unless it is taken again meanwhile', () => {
    const store = SqliteStore.open({ dir: tempDir(), nodeId: 1 });
    const { r, clock } = registry(store);
    write(r, store, 'd', u(1, 1));
    expect(r.size).toBe(1);
    clock.advance(9);
    const room = r.acquire('d'); // taken again before the 10 ms: the unload is cancelled
    clock.advance(100);
    expect(r.get('d')).toBe(room);
    r.release(room);
    clock.advance(9);
    expect(r.size).toBe(1);
    clock.advance(1);
    expect(r.size).toBe(0);
    r.close();
    store.close();
  });
});

describe('RoomRegistry loads', () => {
  it('say when storage held nothing of a document, and only then', () => {
    const store = SqliteStore.open({ dir: tempDir(), nodeId: 1 });
    const empty: string[] = [];
    const r = new RoomRegistry({
      scheduler: new ManualScheduler(),
      store,
      engine: gsetEngine,
      logger: pino({ level: 'silent' }),
      snapshotEvery: 0,
      idleMs: 10,
      onLoadedEmpty: (docId) => empty.push(docId),
    });
    store.append([{ docId: 'stored', update: u(1, 1) }]);
    r.release(r.acquire('stored'));
    r.release(r.acquire('new'));
    r.acquire('new'); // loaded already: not loaded again
    expect(empty).toEqual(['new']);
    r.close();
    store.close();
  });
});
