/**
 * A follower taking in its leader's snapshot marks the document untracked first (with four or
 * more full replicas) when the snapshot brings anything it lacks, and only then.
 */
import { applyUpdate, Doc, encodeStateAsUpdate, encodeStateVector } from '@accord/core';
import { describe, expect, it } from 'vitest';
import type { SnapshotAnnounceMessage } from '../../src/cluster/messages.js';
import { ingestSnapshot } from '../../src/cluster/snapshot-ingest.js';
import type { ReplicaHost } from '../../src/relay/replicator.js';

/** A host holding `doc` (its state vector is read from it); records what happens, in order. */
function host(doc: Doc, events: string[], failState = false): ReplicaHost {
  return {
    stateVector: () =>
      failState ? Promise.reject(new Error('room not loaded')) : Promise.resolve(encodeStateVector(doc)),
    ingest: (docId: string) => {
      events.push(`ingest ${docId}`);
      return Promise.resolve();
    },
  } as unknown as ReplicaHost;
}

function announce(leader: Doc, stateVector = encodeStateVector(leader)): SnapshotAnnounceMessage {
  return {
    type: 'snapshot-announce',
    docId: 'd',
    number: { term: 1, seq: 1 },
    at: 0,
    stateVector,
    snapshot: encodeStateAsUpdate(leader),
  };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('ingestSnapshot', () => {
  const leader = new Doc({ clientId: 1 });
  leader.getText('t').insert(0, 'from node 4, via the leader');
  const mark = (events: string[]) => (docId: string) => events.push(`untracked ${docId}`);

  it('marks the document before taking in a snapshot that brings something', async () => {
    const events: string[] = [];
    ingestSnapshot(host(new Doc(), events), announce(leader), mark(events));
    await settle();
    expect(events).toEqual(['untracked d', 'ingest d']);
  });

  it('does not mark it when this node holds everything the snapshot covers', async () => {
    const events: string[] = [];
    // The follower holds the leader's writes and one of its own.
    const follower = new Doc({ clientId: 3 });
    applyUpdate(follower, encodeStateAsUpdate(leader));
    follower.getText('t').insert(0, 'more ');
    ingestSnapshot(host(follower, events), announce(leader), mark(events));
    await settle();
    expect(events).toEqual(['ingest d']);
  });

  it('marks it when its own state cannot be read, or the announced vector is malformed', async () => {
    const a: string[] = [];
    ingestSnapshot(host(new Doc(), a, true), announce(new Doc()), mark(a));
    await settle();
    expect(a).toEqual(['untracked d', 'ingest d']);
    const b: string[] = [];
    ingestSnapshot(host(new Doc(), b), announce(new Doc(), new Uint8Array([0xff, 0xff, 0xff])), mark(b));
    await settle();
    expect(b).toEqual(['untracked d', 'ingest d']);
  });

  it('with three full replicas (no marking) takes the snapshot in at once', () => {
    const events: string[] = [];
    ingestSnapshot(host(new Doc(), events), announce(leader), undefined);
    expect(events).toEqual(['ingest d']); // before any promise settles
  });
});
