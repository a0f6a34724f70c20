/**
 * The host a snapshot layer (`SnapshotReplication`) sees in unit tests: metadata in a map, versions
 * taken and dropped (through `keepVersion`, which sets the metadata given with a version), an
 * empty document's state vector, a one-byte state, merges that do nothing.
 */
import { Doc, encodeStateVector } from '@accord/core';
import pino, { type Logger } from 'pino';
import type { ReplicaHost } from '../../src/relay/replicator.js';

/** Options of {@link snapshotHost}. */
export interface SnapshotHostOptions {
  /** Where the layer logs (default: silent). */
  logger?: Logger;
  /** Counts the durable writes (`setMeta` and `putVersion` calls), when given. */
  writes?: { n: number };
}

/** A host for node `nodeId` (see the module comment). */
export function snapshotHost(nodeId: number, o: SnapshotHostOptions = {}): ReplicaHost {
  const meta = new Map<string, string>();
  const sv = encodeStateVector(new Doc());
  const wrote = () => {
    if (o.writes !== undefined) o.writes.n++;
  };
  const store = {
    getMeta: (k: string) => meta.get(k),
    setMeta: (k: string, v: string) => {
      wrote();
      meta.set(k, v);
    },
    putVersion: wrote,
  };
  return {
    nodeId,
    store,
    logger: o.logger ?? pino({ level: 'silent' }),
    documents: () => [],
    stateVector: async () => sv,
    diff: async () => new Uint8Array([0]),
    ingest: async () => {},
    // Through the store's putVersion as it is when called (a test may replace it to record or
    // to fail); the metadata given with a version is set with it.
    keepVersion: async (...args: unknown[]) => {
      (store.putVersion as (...a: unknown[]) => void)(...args);
      const m = args[3] as { key: string; value: string } | undefined;
      if (m !== undefined) meta.set(m.key, m.value);
    },
  } as unknown as ReplicaHost;
}
