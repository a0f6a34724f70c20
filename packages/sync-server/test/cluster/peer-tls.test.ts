/**
 * Peer links over TLS: a listener with a certificate signed by the cluster's CA, dialers that
 * verify it (`--peer-tls-ca`), and the cluster-secret handshake inside. A dialer trusting another
 * CA refuses the listener; a plain TCP dialer gets nowhere.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterMessage } from '../../src/cluster/messages.js';
import { deriveClusterKey } from '../../src/cluster/peer-auth.js';
import { type PeerLinkFault, PeerLinks, type PeerTlsOptions } from '../../src/cluster/peer-links.js';
import { CLUSTER_SECRET } from '../support/in-process.js';
import { makeTestCerts } from '../support/tls-certs.js';

const KEY = deriveClusterKey(CLUSTER_SECRET);
const open: PeerLinks[] = [];
afterEach(async () => {
  for (const l of open.splice(0)) await l.stop();
});

async function until(pred: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
}

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
    await until(() => dialer.connected().includes(2));
    dialer.send(2, { type: 'alive', term: 9 });
    await until(() => got.length === 1);
    expect(got[0]).toEqual({ type: 'alive', term: 9 });

    // A dialer that trusts another CA refuses our listener's certificate.
    const wary: PeerLinkFault[] = [];
    const other = await node(1, listener.port, { ...tls, ca: certs.otherCa }, [], wary);
    await until(() => wary.some((f) => f.reason === 'tls' && f.direction === 'outbound'));
    expect(other.connected()).toEqual([]);
    // A plain TCP dialer cannot speak to a TLS listener.
    const plainFaults: PeerLinkFault[] = [];
    const plain = await node(1, listener.port, null, [], plainFaults);
    await until(() => faults.some((f) => f.direction === 'inbound' && f.reason === 'tls'));
    expect(plain.connected()).toEqual([]);
    expect(got).toHaveLength(1);
  }, 30_000);
});
