/**
 * Speaking to a node's peer port as a test (or an attacker) would: a raw TCP socket that sends
 * whatever bytes it is given, or a dial that authenticates with a secret (right or wrong) and
 * then sends sealed records like a member would.
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { lengthPrefixed } from '../../src/cluster/frame-reader.js';
import type { ClusterMessage } from '../../src/cluster/messages.js';
import { deriveClusterKey } from '../../src/cluster/peer-auth.js';
import { encodeClusterMessage } from '../../src/cluster/peer-codec.js';
import { dialPeer, type RecordWriter } from '../../src/cluster/peer-dialer.js';

/** A socket `track` closes after the test. */
export type Tracked = (s: Socket) => void;

/** A plain TCP connection to `port`, errors swallowed. */
export async function rawSocket(port: number, track: Tracked, localAddress?: string): Promise<Socket> {
  const s = connect({ host: '127.0.0.1', port, ...(localAddress !== undefined ? { localAddress } : {}) });
  s.on('error', () => {});
  track(s);
  await once(s, 'connect');
  return s;
}

/** The outcome of {@link dialAs}: an authenticated link, or why the handshake failed. */
export type DialOutcome = { writer: RecordWriter; socket: Socket } | { failed: string };

/** Authenticate to the peer port `port` as node `self` (expecting node `peer` there) with `secret`. */
export function dialAs(
  port: number,
  self: number,
  secret: string,
  peer: number,
  track: Tracked,
): Promise<DialOutcome> {
  return new Promise((resolve) => {
    const s = dialPeer(
      {
        host: '127.0.0.1',
        port,
        self,
        peer,
        clusterKey: deriveClusterKey(secret),
        tls: null,
        handshakeTimeoutMs: 2000,
        maxRecordPayload: 1 << 20,
      },
      {
        onAuthenticated: (writer, socket) => resolve({ writer, socket }),
        onFailed: (reason) => resolve({ failed: reason }),
      },
    );
    track(s);
  });
}

/** `m` as one length-prefixed frame. */
export function frameOf(m: ClusterMessage): Buffer {
  return lengthPrefixed(encodeClusterMessage(m));
}

/** Resolves when `s` is closed. */
export function closed(s: Socket): Promise<void> {
  return s.destroyed ? Promise.resolve() : once(s, 'close').then(() => undefined);
}
