/**
 * IndexeddbPersistence against fake-indexeddb (a complete in-memory IndexedDB): what a document
 * sees is stored and loads back, compaction folds records into one snapshot (after N updates or
 * idle, on the injected scheduler), tabs sharing a store lose nothing, and every failure (garbage
 * records, another schema, no IndexedDB, a full quota) is a typed error, never a throw, with the
 * document going on without the store.
 */
import { applyUpdate, Doc, encodeStateAsUpdate } from '@accord/core';
import { ManualScheduler } from '@accord/core/testing';
import { IDBFactory, IDBKeyRange, IDBObjectStore } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PersistenceError } from '../../src/persistence/errors.js';
import { databaseName, SCHEMA_VERSION, UPDATES } from '../../src/persistence/idb.js';
import { IndexeddbPersistence } from '../../src/persistence/indexeddb-persistence.js';

/** A store on `factory` whose background compaction only runs when the test advances `scheduler`. */
function open(
  factory: IDBFactory,
  doc = new Doc(),
  options: { compactEvery?: number; ranges?: boolean } = {},
) {
  const scheduler = new ManualScheduler();
  // Writes go out on `defer`: run them like the end of a task.
  const realDefer = scheduler.defer.bind(scheduler);
  scheduler.defer = (fn) => {
    realDefer(fn);
    queueMicrotask(() => scheduler.runDeferred());
  };
  const p = new IndexeddbPersistence('notes', doc, {
    indexedDB: factory,
    IDBKeyRange: options.ranges === false ? undefined : IDBKeyRange,
    scheduler,
    compactEvery: options.compactEvery,
  });
  const errors: PersistenceError[] = [];
  p.on('error', (e) => errors.push(e));
  return { p, doc, scheduler, errors };
}

async function records(factory: IDBFactory): Promise<unknown[]> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = factory.open(databaseName('notes'));
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  try {
    return await new Promise<unknown[]>((resolve, reject) => {
      const req = db.transaction(UPDATES, 'readonly').objectStore(UPDATES).getAll();
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  } finally {
    db.close();
  }
}

async function putRaw(factory: IDBFactory, values: unknown[]): Promise<void> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = factory.open(databaseName('notes'), SCHEMA_VERSION);
    req.onupgradeneeded = () => {
      req.result.createObjectStore(UPDATES, { autoIncrement: true });
      req.result.createObjectStore('snapshot');
      req.result.createObjectStore('meta').put(SCHEMA_VERSION, 'schema');
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction(UPDATES, 'readwrite');
    for (const v of values) tx.objectStore(UPDATES).add(v);
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error);
  });
  db.close();
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('IndexeddbPersistence', () => {
  it('stores local and remote updates and loads them into a fresh document', async () => {
    const factory = new IDBFactory();
    const a = open(factory);
    await a.p.whenSynced;
    expect(a.p.status).toBe('ready');
    a.doc.getText('t').insert(0, 'typed here');
    const remote = new Doc();
    remote.getMap('m').set('from', 'relay');
    applyUpdate(a.doc, encodeStateAsUpdate(remote), 'relay');
    await a.p.flush();
    await a.p.destroy();

    const b = open(factory);
    await b.p.whenSynced;
    expect(b.doc.toJSON()).toEqual({ t: 'typed here', m: { from: 'relay' } });
    expect(b.errors).toEqual([]);
    await b.p.destroy();
  });

  it('keeps edits made before the store finished loading', async () => {
    const factory = new IDBFactory();
    const a = open(factory);
    a.doc.getText('t').insert(0, 'early');
    await a.p.whenSynced;
    await a.p.destroy();
    const b = open(factory);
    await b.p.whenSynced;
    expect(b.doc.getText('t').toString()).toBe('early');
    await b.p.destroy();
  });

  it.each([
    ['with key ranges', true],
    ['without key ranges (whole-store reads)', false],
  ])('compacts after compactEvery updates into one snapshot, and after idle time (%s)', async (_, ranges) => {
    const factory = new IDBFactory();
    const a = open(factory, new Doc(), { compactEvery: 10, ranges });
    await a.p.whenSynced;
    const compactions: number[] = [];
    a.p.on('compacted', ({ records: n }) => compactions.push(n));
    const text = a.doc.getText('t');
    for (let i = 0; i < 25; i++) {
      text.insert(text.length, `${i},`);
      await a.p.flush();
    }
    await a.p.compact(); // let a running compaction finish
    expect(compactions.length).toBeGreaterThanOrEqual(2);
    expect(a.errors).toEqual([]);
    const before = (await records(factory)).length;
    expect(before).toBeLessThan(10);
    // Idle: a few more edits, then the idle timer compacts them away.
    text.insert(0, '>');
    await a.p.flush();
    a.scheduler.advance(2_000);
    await a.p.compact();
    expect(await records(factory)).toEqual([]); // all folded into the snapshot
    await a.p.destroy();
    const b = open(factory, new Doc(), { ranges });
    await b.p.whenSynced;
    expect(b.doc.getText('t').toString()).toBe(text.toString());
    await b.p.destroy();
  });

  it('two tabs on one store: a compaction folds in what the other tab stored, nothing is lost', async () => {
    const factory = new IDBFactory();
    const a = open(factory);
    const b = open(factory);
    await Promise.all([a.p.whenSynced, b.p.whenSynced]);
    a.doc.getText('t').insert(0, 'from A;');
    b.doc.getText('u').insert(0, 'from B;');
    await Promise.all([a.p.flush(), b.p.flush()]);
    await a.p.compact(); // A has never seen B's edit: the compaction must read it first
    expect(a.doc.getText('u').toString()).toBe('from B;');
    await Promise.all([a.p.destroy(), b.p.destroy()]);
    const c = open(factory);
    await c.p.whenSynced;
    expect(c.doc.toJSON()).toEqual({ t: 'from A;', u: 'from B;' });
    await c.p.destroy();
  });

  it('garbage records are skipped and reported (corrupt, not fatal); the good ones load; compaction drops them', async () => {
    const factory = new IDBFactory();
    const good = new Doc();
    good.getText('t').insert(0, 'survives');
    await putRaw(factory, [
      new Uint8Array([0xff, 0xfe, 0x01, 0x99]),
      'not bytes',
      encodeStateAsUpdate(good),
      { evil: true },
    ]);
    const a = open(factory);
    await a.p.whenSynced;
    expect(a.doc.getText('t').toString()).toBe('survives');
    expect(a.errors.map((e) => [e.code, e.fatal])).toEqual([['corrupt', false]]);
    expect(a.p.status).toBe('ready');
    a.scheduler.advance(2_000);
    await a.p.compact();
    expect(await records(factory)).toEqual([]); // all folded into the snapshot
    await a.p.destroy();
  });

  it('a load scans the updates only when something was written after the last compaction', async () => {
    const factory = new IDBFactory();
    const scans = () => [
      vi.spyOn(IDBObjectStore.prototype, 'openCursor'),
      vi.spyOn(IDBObjectStore.prototype, 'getAll'),
    ];
    const a = open(factory);
    await a.p.whenSynced;
    a.doc.getText('t').insert(0, 'one');
    await a.p.flush();
    await a.p.compact();
    await a.p.destroy();

    let spies = scans();
    const b = open(factory);
    await b.p.whenSynced;
    expect(b.doc.getText('t').toString()).toBe('one');
    expect(spies.map((s) => s.mock.calls.length)).toEqual([0, 0]);
    vi.restoreAllMocks();
    b.doc.getText('t').insert(3, ' two');
    await b.p.flush();
    await b.p.destroy();

    spies = scans();
    const c = open(factory);
    await c.p.whenSynced;
    expect(c.doc.getText('t').toString()).toBe('one two');
    expect(spies.reduce((n, s) => n + s.mock.calls.length, 0)).toBeGreaterThan(0);
    expect([...a.errors, ...b.errors, ...c.errors]).toEqual([]);
    await c.p.destroy();
  });

  it('a garbage snapshot (with a through key) is reported; the updates after it still load', async () => {
    const factory = new IDBFactory();
    const good = new Doc();
    good.getText('t').insert(0, 'after the snapshot');
    await putRaw(factory, [new Uint8Array([7]), encodeStateAsUpdate(good)]);
    const db = await new Promise<IDBDatabase>((resolve) => {
      const req = factory.open(databaseName('notes'));
      req.onsuccess = () => resolve(req.result);
    });
    await new Promise<void>((resolve) => {
      const tx = db.transaction(['snapshot', 'meta'], 'readwrite');
      tx.objectStore('snapshot').put(new Uint8Array([0xde, 0xad, 0xbe, 0xef]), 'state');
      tx.objectStore('meta').put(1, 'through'); // record 1 is covered (and garbage: never read)
      tx.oncomplete = () => resolve();
    });
    db.close();
    const a = open(factory);
    await a.p.whenSynced;
    expect(a.doc.getText('t').toString()).toBe('after the snapshot');
    expect(a.errors.map((e) => [e.code, e.fatal])).toEqual([['corrupt', false]]);
    await a.p.compact();
    await a.p.destroy();
    const b = open(factory);
    await b.p.whenSynced;
    expect(b.errors).toEqual([]);
    expect(b.doc.getText('t').toString()).toBe('after the snapshot');
    await b.p.destroy();
  });

  it('another schema version: reported, the store untouched, the document works without it', async () => {
    const factory = new IDBFactory();
    await putRaw(factory, [new Uint8Array([1, 2, 3])]);
    // Rewrite the schema marker as a future version would.
    const db = await new Promise<IDBDatabase>((resolve) => {
      const req = factory.open(databaseName('notes'));
      req.onsuccess = () => resolve(req.result);
    });
    await new Promise<void>((resolve) => {
      const tx = db.transaction('meta', 'readwrite');
      tx.objectStore('meta').put(99, 'schema');
      tx.oncomplete = () => resolve();
    });
    db.close();
    const a = open(factory);
    await a.p.whenSynced;
    expect(a.errors.map((e) => [e.code, e.fatal])).toEqual([['unsupported-schema', true]]);
    expect(a.p.status).toBe('unavailable');
    a.doc.getText('t').insert(0, 'still editable');
    await a.p.flush();
    expect(await records(factory)).toEqual([new Uint8Array([1, 2, 3])]);
    await a.p.destroy();
  });

  it('a database upgraded past this schema (a newer IndexedDB version) is unsupported-schema', async () => {
    const factory = new IDBFactory();
    await new Promise<void>((resolve) => {
      const req = factory.open(databaseName('notes'), 7);
      req.onsuccess = () => {
        req.result.close();
        resolve();
      };
    });
    const a = open(factory);
    await a.p.whenSynced;
    expect(a.errors.map((e) => e.code)).toEqual(['unsupported-schema']);
    await a.p.destroy();
  });

  it('no IndexedDB, or one that throws on open: unavailable, whenSynced still resolves', async () => {
    const none = new IndexeddbPersistence('notes', new Doc(), { indexedDB: undefined });
    const errors: PersistenceError[] = [];
    none.on('error', (e) => errors.push(e));
    // `indexedDB: undefined` falls back to the global, which Node lacks.
    await expect(none.whenSynced).resolves.toBe(none);
    expect(none.status).toBe('unavailable');
    expect(errors.map((e) => e.code)).toEqual(['unavailable']);

    const throwing = {
      open: () => {
        throw new DOMException('denied', 'SecurityError');
      },
    } as unknown as IDBFactory;
    const b = open(throwing);
    await b.p.whenSynced;
    expect(b.errors.map((e) => [e.code, e.fatal])).toEqual([['unavailable', true]]);
    b.doc.getText('t').insert(0, 'works');
    expect(b.doc.getText('t').toString()).toBe('works');
  });

  it('a full quota is reported once (quota-exceeded, fatal) and storing stops; the document goes on', async () => {
    const factory = new IDBFactory();
    const a = open(factory);
    await a.p.whenSynced;
    a.doc.getText('t').insert(0, 'stored');
    await a.p.flush();
    vi.spyOn(IDBObjectStore.prototype, 'add').mockImplementation(() => {
      throw new DOMException('quota', 'QuotaExceededError');
    });
    a.doc.getText('t').insert(0, 'not stored ');
    await a.p.flush();
    a.doc.getText('t').insert(0, 'nor this ');
    await a.p.flush();
    expect(a.errors.map((e) => [e.code, e.fatal])).toEqual([['quota-exceeded', true]]);
    expect(a.p.status).toBe('unavailable');
    vi.restoreAllMocks();
    const b = open(factory);
    await b.p.whenSynced;
    expect(b.doc.getText('t').toString()).toBe('stored');
    await b.p.destroy();
  });
});
