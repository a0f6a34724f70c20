/**
 * A witness's handling of forwarded updates (real SQLite, virtual time): a valid update is stored
 * with its stamp and acknowledged once both are committed; malformed bytes, a bad document id,
 * catch-up traffic and an unstamped write are neither stored nor acknowledged; a peer that takes
 * the witness for a full replica is warned about once; a quorum read is answered with the held
 * updates and their stamps.
 */
import { Doc, encodeStateAsUpdate } from '@accord/core';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { CausalStamp } from '../../src/cluster/causal-forwarding.js';
import type { ClusterMessage } from '../../src/cluster/messages.js';
import { WitnessRole } from '../../src/cluster/witness-role.js';
import type { ReplicaHost } from '../../src/relay/replicator.js';
import { SqliteStore } from '../../src/storage/sqlite-store.js';
import { ManualScheduler } from '../../src/time/scheduler.js';
import { removeTempDirs, tempDir } from '../support/tmp.js';

const closers: (() => void)[] = [];
afterAll(() => {
  for (const c of closers) c();
  removeTempDirs();
});

function setup() {
  const store = SqliteStore.open({ dir: tempDir(), nodeId: 3 });
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => lines.push(JSON.parse(s)) });
  const commits: Promise<number>[] = [];
  const host = {
    store,
    logger,
    persist: (docId: string, update: Uint8Array) => {
      const p = Promise.resolve(store.append([{ docId, update }])[0] as number);
      commits.push(p);
      return p;
    },
  } as unknown as ReplicaHost;
  const sent: { to: number; m: ClusterMessage }[] = [];
  const scheduler = new ManualScheduler();
  const role = new WitnessRole({
    host,
    fullPeers: [1, 2],
    pruneAt: 2,
    maxMarks: 64,
    scheduler,
    send: (to, m) => sent.push({ to, m }),
    isUp: () => true,
  });
  closers.push(
    () => role.stop(),
    () => store.close(),
  );
  /** Wait for the commits started so far, then let the stamps be saved and the acks go. */
  const committed = async () => {
    await Promise.all(commits);
    await Promise.resolve();
    scheduler.advance(0);
  };
  return { store, role, sent, lines, commits, committed };
}

const STAMP: CausalStamp = { epoch: 77, seq: 3, deps: [{ node: 2, epoch: 5, seq: 9 }], pull: true };

function update(text: string): Uint8Array {
  const doc = new Doc({ clientId: 5 });
  doc.getText('t').insert(0, text);
  return encodeStateAsUpdate(doc);
}

describe('WitnessRole', () => {
  it('stores a forwarded update with its stamp and acknowledges it once both are committed', async () => {
    const { store, role, sent, committed } = setup();
    const u = update('hi');
    role.onReplicate(1, { type: 'replicate', docId: 'doc', updateId: 7, update: u, causal: STAMP });
    await Promise.resolve();
    expect(sent).toEqual([]); // the stamp is not saved yet
    await committed();
    expect(store.load('doc').updates).toHaveLength(1);
    expect(sent).toEqual([{ to: 1, m: { type: 'replicate-ack', docId: 'doc', updateId: 7 } }]);
    expect(role.health()).toMatchObject({ heldUpdates: 1, heldDocuments: 1 });
    // A quorum read gets the update with the stamp and the node it came from.
    expect(role.answerRead('doc')).toEqual([{ origin: 1, stamp: STAMP, update: u }]);
    expect(role.answerRead('other')).toEqual([]);
  });

  it('a read skips an update whose stamp is not saved yet (not acknowledged here)', async () => {
    const { store, role, committed, commits } = setup();
    const u = update('first');
    role.onReplicate(1, { type: 'replicate', docId: 'doc', updateId: 1, update: u, causal: STAMP });
    await committed();
    // Committed, its stamp not saved yet (the commit's answer not handled): it must not be
    // skipped, or a confirmation past it would let the witness drop it.
    const late = update('late');
    role.onReplicate(1, { type: 'replicate', docId: 'doc', updateId: 2, update: late, causal: STAMP });
    await Promise.all(commits);
    expect(store.load('doc').updates).toHaveLength(2);
    expect(role.answerRead('doc')?.map((e) => e.update)).toEqual([u]);
    await committed();
    expect(role.answerRead('doc')?.map((e) => e.update)).toEqual([u, late]);
  });

  it('stores nothing of a write that comes without a stamp, and warns once per peer', async () => {
    const { store, role, sent, lines, committed } = setup();
    role.onReplicate(2, { type: 'replicate', docId: 'doc', updateId: 1, update: update('a') });
    role.onReplicate(2, { type: 'replicate', docId: 'doc', updateId: 2, update: update('b') });
    await committed();
    expect(store.documents()).toEqual([]);
    expect(sent).toEqual([]);
    expect(lines.filter((l) => String(l.msg).includes('without a stamp')).map((l) => l.peer)).toEqual([2]);
  });

  it('stores and acknowledges nothing for malformed bytes or a bad document id', () => {
    const { store, role, sent, commits } = setup();
    role.onReplicate(1, {
      type: 'replicate',
      docId: 'doc',
      updateId: 1,
      update: new Uint8Array([255, 255, 255]),
      causal: STAMP,
    });
    role.onReplicate(1, { type: 'replicate', docId: '', updateId: 2, update: update('x'), causal: STAMP });
    role.onReplicate(1, {
      type: 'replicate',
      docId: 'a'.repeat(10_000),
      updateId: 3,
      update: update('x'),
      causal: STAMP,
    });
    // Checked before anything is committed: no commit was even started.
    expect(commits).toHaveLength(0);
    expect(store.documents()).toEqual([]);
    expect(sent).toEqual([]);
  });

  it('keeps no catch-up traffic, and warns once per peer that does not know it is a witness', () => {
    const { store, role, sent, lines, commits } = setup();
    role.onReplicate(2, { type: 'replicate', docId: 'doc', updateId: 0, update: update('whole doc') });
    role.onReplicate(2, { type: 'replicate', docId: 'doc', updateId: 0, update: update('again') });
    role.notToldOfWitness(1);
    expect(commits).toHaveLength(0);
    expect(store.documents()).toEqual([]);
    expect(sent).toEqual([]);
    const warnings = lines.filter((l) => String(l.msg).includes('treats this witness as a full replica'));
    expect(warnings.map((w) => w.peer)).toEqual([2, 1]);
  });
});
