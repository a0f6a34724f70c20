/**
 * What a relay test file starts, closed after each test: push the nodes and clients a test starts
 * into the returned lists; after the test the clients' sockets are cut, the nodes closed and the
 * temporary directories removed. Call it at the top of a test file.
 */
import { afterEach } from 'vitest';
import type { RelayNode } from '../../src/node.js';
import type { TestClient } from './protocol-client.js';
import { removeTempDirs } from './tmp.js';

/** Registers the cleanup and returns the lists it empties. */
export function closeAfterEach(): { nodes: RelayNode[]; clients: TestClient[] } {
  const nodes: RelayNode[] = [];
  const clients: TestClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.ws.terminate();
    for (const n of nodes.splice(0)) await n.close();
    removeTempDirs();
  });
  return { nodes, clients };
}
