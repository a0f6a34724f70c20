/**
 * Relay tests on real `@accord/core` documents: in-process nodes with the core engine, clients
 * with write tokens joining from an empty document, authors whose every transaction's update is
 * returned, and waiting for an update by its bytes. {@link coreRelay} registers the cleanup of
 * what it starts (call it at the top of a test file).
 */
import { Doc, encodeStateVector } from '@accord/core';
import { mintToken } from '../../src/auth/tokens.js';
import type { RelayNode } from '../../src/node.js';
import { coreEngine } from '../../src/relay/core-engine.js';
import { closeAfterEach } from './close-after-each.js';
import { SECRET, startNode, urlOf } from './in-process.js';
import { TestClient } from './protocol-client.js';

/** The state vector of an empty document. */
export const EMPTY_SV = encodeStateVector(new Doc());

/**
 * Start nodes and join clients, all closed after each test.
 * @returns `node()`, an in-process node on the core engine, and `join(n, docId)`, a write
 * session on `n` whose `sync` has arrived.
 */
export function coreRelay() {
  const { nodes, clients } = closeAfterEach();
  return {
    async node(): Promise<RelayNode> {
      const n = await startNode([], { engine: coreEngine });
      nodes.push(n);
      return n;
    },
    async join(n: RelayNode, docId = 'd'): Promise<TestClient> {
      const token = await mintToken(SECRET, { docId, scope: 'write' });
      const c = await TestClient.join(urlOf(n), docId, token, EMPTY_SV);
      clients.push(c);
      return c;
    },
  };
}

/** An author (replica `clientId`) whose every transaction's update is returned. */
export function author(clientId: number) {
  const doc = new Doc({ clientId });
  let last: Uint8Array | null = null;
  doc.on('update', (u) => {
    last = u;
  });
  const take = (): Uint8Array => {
    if (last === null) throw new Error('no update');
    const u = last;
    last = null;
    return u;
  };
  return {
    doc,
    /** Type `s` at the end of text `t`; returns the update. */
    type(s: string): Uint8Array {
      doc.getText('t').insert(doc.getText('t').length, s);
      return take();
    },
    /** Delete `len` units of text `t` from `index`; returns the update (a delete set alone). */
    erase(index: number, len: number): Uint8Array {
      doc.getText('t').delete(index, len);
      return take();
    },
  };
}

/** Whether two byte strings are equal. */
export const same = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/** Wait until `c` received `update` byte for byte. */
export const received = (c: TestClient, update: Uint8Array) =>
  c.next('update', (m) => same(m.update, update));
