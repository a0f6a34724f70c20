/**
 * A witness's handling of forwarded updates (real SQLite, virtual time): a valid update is stored
 * and acknowledged once committed; malformed bytes, a bad document id and catch-up traffic are
 * neither stored nor acknowledged; a peer that takes the witness for a full replica is warned
 * about once.
 */
import { Doc, encodeStateAsUpdate } from '@accord/core';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
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
  const role = new WitnessRole({
    host,
    fullPeers: [1, 2],
    pruneAt: 2,
    scheduler: new ManualScheduler(),
    send: (to, m) => sent.push({ to, m }),
    isUp: () => true,
  });
  closers.push(
    () => role.stop(),
    () => store.close(),
  );
  /** Wait for the commits started so far and the acknowledgements they trigger. */
  const committed = async () => {
    await Promise.all(commits);
    await Promise.resolve();
  };
  return { store, role, sent, lines, commits, committed };
}

function update(text: string): Uint8Array {
  const doc = new Doc({ clientId: 5 });
  doc.getText('t').insert(0, text);
  return encodeStateAsUpdate(doc);
}

describe('WitnessRole', () => {
  it('stores a forwarded update and acknowledges it once committed', async () => {
    const { store, role, sent, committed } = setup();
    role.onReplicate(1, { type: 'replicate', docId: 'doc', updateId: 7, update: update('hi') });
    await committed();
    expect(store.load('doc').updates).toHaveLength(1);
    expect(sent).toEqual([{ to: 1, m: { type: 'replicate-ack', docId: 'doc', updateId: 7 } }]);
    expect(role.health()).toMatchObject({ heldUpdates: 1, heldDocuments: 1 });
  });

  it('stores and acknowledges nothing for malformed bytes or a bad document id', () => {
    const { store, role, sent, commits } = setup();
    role.onReplicate(1, {
      type: 'replicate',
      docId: 'doc',
      updateId: 1,
      update: new Uint8Array([255, 255, 255]),
    });
    role.onReplicate(1, { type: 'replicate', docId: '', updateId: 2, update: update('x') });
    role.onReplicate(1, { type: 'replicate', docId: 'a'.repeat(10_000), updateId: 3, update: update('x') });
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
