/**
 * A single node's snapshots (`LocalSnapshots`): numbered (1, 1), (1, 2), … per document every
 * `everyUpdates` updates; with `defer`, the snapshots due are taken one per turn, in the order
 * they fell due, each document waiting once however many updates arrive meanwhile. Turns are a
 * test queue; no timer runs.
 */
import { describe, expect, it } from 'vitest';
import { LocalSnapshots } from '../../src/relay/local-snapshots.js';
import type { ReplicaHost } from '../../src/relay/replicator.js';
import { ManualScheduler } from '../../src/time/scheduler.js';
import { snapshotHost } from '../support/snapshot-host.js';

function node(paced: boolean) {
  const host = snapshotHost(1);
  const kept: { docId: string; seq: number }[] = [];
  /** When set, how the next version write ends: held until called, or failing. */
  const next: { hold?: (settle: (ok: boolean) => void) => void } = {};
  host.keepVersion = (docId, v, _keep, meta) => {
    kept.push({ docId, seq: v.seq });
    const write = () => {
      if (meta !== undefined) host.store.setMeta(meta.key, meta.value);
    };
    const hold = next.hold;
    if (hold === undefined) {
      write();
      return Promise.resolve();
    }
    delete next.hold;
    return new Promise<void>((resolve, reject) =>
      hold((ok) => {
        if (!ok) return reject(new Error('disk full'));
        write();
        resolve();
      }),
    );
  };
  const turns: (() => void)[] = [];
  const announced: string[] = [];
  const snapshots = new LocalSnapshots(host as ReplicaHost, {
    everyUpdates: 3,
    idleMs: 0,
    keep: 0,
    scheduler: new ManualScheduler(),
    wallClock: () => 0,
    onSnapshot: (docId) => announced.push(docId),
    ...(paced ? { defer: (fn: () => void) => turns.push(fn) } : {}),
  });
  /** Run one waiting turn, then the promises it started; false when none waits. */
  const turn = async (): Promise<boolean> => {
    const fn = turns.shift();
    if (fn === undefined) return false;
    fn();
    await new Promise((r) => setImmediate(r));
    return true;
  };
  const flush = () => new Promise((r) => setImmediate(r));
  return { snapshots, kept, turns, announced, turn, flush, next };
}

describe('a single node numbers its snapshots', () => {
  it('unpaced: a snapshot is taken in the turn its count is reached', async () => {
    const n = node(false);
    for (let i = 0; i < 3; i++) for (const d of ['a', 'b']) n.snapshots.noteUpdate(d);
    await n.flush();
    expect(n.kept).toEqual([
      { docId: 'a', seq: 1 },
      { docId: 'b', seq: 1 },
    ]);
    expect(n.snapshots.snapshotOf('a')).toEqual({ term: 1, seq: 1 });
  });

  it('paced: documents due together are taken one per turn, in the order they fell due', async () => {
    const n = node(true);
    for (let i = 0; i < 3; i++) for (const d of ['c', 'a', 'b']) n.snapshots.noteUpdate(d);
    await n.flush();
    expect(n.kept).toEqual([]);
    expect(n.turns).toHaveLength(1);
    const perTurn: number[] = [];
    for (let t = 0; t < 10 && (await n.turn()); t++) perTurn.push(n.kept.length);
    expect(perTurn).toEqual([1, 2, 3]);
    expect(n.kept.map((k) => k.docId)).toEqual(['c', 'a', 'b']);
    expect(n.announced).toEqual(['c', 'a', 'b']);
    expect(['a', 'b', 'c'].map((d) => n.snapshots.snapshotOf(d).seq)).toEqual([1, 1, 1]);
  });

  it('paced: a document waits once; the count starts again when its snapshot is taken', async () => {
    const n = node(true);
    for (let i = 0; i < 8; i++) n.snapshots.noteUpdate('a'); // due at 3, then 5 more while waiting
    expect(n.turns).toHaveLength(1);
    while (await n.turn());
    expect(n.kept).toEqual([{ docId: 'a', seq: 1 }]);
    n.snapshots.noteUpdate('a');
    n.snapshots.noteUpdate('a');
    expect(n.turns).toHaveLength(0);
    n.snapshots.noteUpdate('a');
    while (await n.turn());
    expect(n.kept).toEqual([
      { docId: 'a', seq: 1 },
      { docId: 'a', seq: 2 },
    ]);
  });

  it('paced: stop drops the snapshots still waiting', async () => {
    const n = node(true);
    for (let i = 0; i < 3; i++) for (const d of ['a', 'b']) n.snapshots.noteUpdate(d);
    await n.turn();
    n.snapshots.stop();
    while (await n.turn());
    expect(n.kept).toEqual([{ docId: 'a', seq: 1 }]);
  });

  it('a version is announced, and its number counted, only once it is durable', async () => {
    const n = node(false);
    let settle: ((ok: boolean) => void) | null = null;
    n.next.hold = (s) => {
      settle = s;
    };
    for (let i = 0; i < 3; i++) n.snapshots.noteUpdate('a');
    await n.flush();
    expect(n.kept).toEqual([{ docId: 'a', seq: 1 }]);
    expect(n.announced).toEqual([]);
    expect(n.snapshots.snapshotOf('a')).toEqual({ term: 0, seq: 0 });
    (settle as unknown as (ok: boolean) => void)(true);
    await n.flush();
    expect(n.announced).toEqual(['a']);
    expect(n.snapshots.snapshotOf('a')).toEqual({ term: 1, seq: 1 });
  });

  it('a version that could not be kept is not announced, and the next snapshot takes its number', async () => {
    const n = node(false);
    n.next.hold = (settle) => settle(false);
    for (let i = 0; i < 3; i++) n.snapshots.noteUpdate('a');
    await n.flush();
    expect(n.announced).toEqual([]);
    expect(n.snapshots.snapshotOf('a')).toEqual({ term: 0, seq: 0 });
    for (let i = 0; i < 3; i++) n.snapshots.noteUpdate('a');
    await n.flush();
    expect(n.kept).toEqual([
      { docId: 'a', seq: 1 },
      { docId: 'a', seq: 1 },
    ]);
    expect(n.announced).toEqual(['a']);
    expect(n.snapshots.snapshotOf('a')).toEqual({ term: 1, seq: 1 });
  });
});
