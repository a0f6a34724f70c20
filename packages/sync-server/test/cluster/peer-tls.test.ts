/**
 * Peer links over TLS: a listener with a certificate signed by the cluster's CA, dialers that
 * verify it (`--peer-tls-ca`), and the cluster-secret handshake inside. A dialer trusting another
 * CA refuses the listener; a plain TCP dialer gets nowhere.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterMessage } from '../../src/cluster/messages.js';
import { deriveClusterKey } from '../../src/cluster/peer-auth.js';
import { type PeerLinkFault, PeerLinks, type PeerTlsOptions } from '../../src/cluster/peer-links.js';
import { waitFor } from '../../src/testing/index.js';
import { CLUSTER_SECRET } from '../support/in-process.js';
import { makeTestCerts } from '../support/tls-certs.js';

const KEY = deriveClusterKey(CLUSTER_SECRET);
const open: PeerLinks[] = [];
afterEach(async () => {
  for (const l of open.splice(0)) await l.stop();
});

async function node(
  id: number,
  peerPort: number,
  tls: PeerTlsOptions | null,
  got: ClusterMessage[],
  faults: PeerLinkFault[],
) {
  const l = new PeerLinks({
    nodeId: id,
    listenHost: '127.0.0.1',
    listenPort: 0,
    peers: [{ id: 3 - id, host: '127.0.0.1', port: peerPort }],
    clusterKey: KEY,
    tls,
    onMessage: (_f, m) => got.push(m),
    onFault: (f) => faults.push(f),
  });
  await l.start();
  open.push(l);
  return l;
}

describe('peer links over TLS', () => {
  it('authenticate inside TLS verified against the cluster CA, and refuse a listener signed by another CA', async () => {
    const certs = await makeTestCerts();
    const tls = { cert: certs.cert, key: certs.key, ca: certs.ca };
    const got: ClusterMessage[] = [];
    const faults: PeerLinkFault[] = [];
    const listener = await node(2, 1, tls, got, faults);
    const dialer = await node(1, listener.port, tls, [], faults);
    await waitFor('node 1 to connect to node 2 over TLS', () => dialer.connected().includes(2), {
      timeoutMs: 5000,
      intervalMs: 10,
    });
    dialer.send(2, { type: 'alive', term: 9 });
    await waitFor('node 2 to receive the alive', () => got.length === 1, { timeoutMs: 5000, intervalMs: 10 });
    expect(got[0]).toEqual({ type: 'alive', term: 9 });

    // A dialer that trusts another CA refuses our listener's certificate.
    const wary: PeerLinkFault[] = [];
    const other = await node(1, listener.port, { ...tls, ca: certs.otherCa }, [], wary);
    await waitFor(
      'an outbound tls fault on the wary dialer',
      () => wary.some((f) => f.reason === 'tls' && f.direction === 'outbound'),
      { timeoutMs: 5000, intervalMs: 10 },
    );
    expect(other.connected()).toEqual([]);
    // A plain TCP dialer cannot speak to a TLS listener.
    const plainFaults: PeerLinkFault[] = [];
    const plain = await node(1, listener.port, null, [], plainFaults);
    await waitFor(
      'an inbound tls fault from the plain dialer',
      () => faults.some((f) => f.direction === 'inbound' && f.reason === 'tls'),
      { timeoutMs: 5000, intervalMs: 10 },
    );
    expect(plain.connected()).toEqual([]);
    expect(got).toHaveLength(1);
  }, 30_000);
});
