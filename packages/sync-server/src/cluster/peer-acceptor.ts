/**
 * The accepting side of one peer link: wrap an inbound socket in TLS (when the listener has a
 * certificate), answer the dialer's handshake (`peer-handshake.ts`) before a deadline, then open
 * each record (`peer-auth.ts`) and hand over the cluster messages inside it. `PeerLinks` runs it
 * on every socket its listener admits; a failed handshake, a bad record or frame, or a message
 * handler that throws closes that socket only.
 */
import type { Socket } from 'node:net';
import { type SecureContext, TLSSocket } from 'node:tls';
import { DecodeError } from '@accord/core';
import type { NodeId } from '../election/types.js';
import type { Scheduler } from '../time/scheduler.js';
import { FrameReader, lengthPrefixed } from './frame-reader.js';
import type { ClusterMessage } from './messages.js';
import { type ClusterKey, RecordOpener, TAG_BYTES } from './peer-auth.js';
import { decodeClusterMessage } from './peer-codec.js';
import {
  encodeHandshake,
  type HandshakeFailure,
  type HandshakeMessage,
  type HandshakeStep,
  ListenerHandshake,
  MAX_HANDSHAKE_FRAME,
} from './peer-handshake.js';

/** A link that failed to authenticate, or one closed for a protocol fault. */
export interface PeerLinkFault {
  /** Handshake failures, or `bad-record` / `bad-frame` / `handler-error` on an authenticated link. */
  reason: HandshakeFailure | 'bad-record' | 'bad-frame' | 'handler-error';
  /** Who initiated the link: a peer dialing us (`inbound`) or our dial (`outbound`). */
  direction: 'inbound' | 'outbound';
  /** Remote address as `host:port`. */
  address: string;
  /** The node the link claimed or was meant to reach, when known. */
  peer?: NodeId;
  /** The error, for `handler-error`. */
  error?: unknown;
}

/** As whom, and within which limits, an inbound link is accepted. */
export interface AcceptOptions {
  /** This node's id (the one the dialer must have meant). */
  self: NodeId;
  /** The nodes allowed to dial in. */
  members: ReadonlySet<NodeId>;
  clusterKey: ClusterKey;
  /** The listener's TLS context; plain TCP when null. */
  secureContext: SecureContext | null;
  handshakeTimeoutMs: number;
  /** Largest frame (and record payload) accepted after the handshake, in bytes. */
  maxFrameBytes: number;
  /** Clock and timers of the handshake deadline. */
  scheduler: Scheduler;
}

/** What an accepted link reports. */
export interface AcceptHandlers {
  /** The dialer proved the secret as `peer`: its records are read from now on. */
  onAuthenticated(peer: NodeId, socket: Socket): void;
  /** One message from an authenticated record of `peer`. */
  onMessage(peer: NodeId, message: ClusterMessage): void;
  /** The link failed authentication or broke the protocol (the socket is being closed). */
  onFault(fault: PeerLinkFault): void;
  /** The socket closed; `peer` is the node it authenticated as, null when it never did. */
  onClosed(peer: NodeId | null, socket: Socket): void;
}

/** The remote end of a socket as `host:port`, for faults. */
export function remoteAddress(s: Socket): string {
  return `${s.remoteAddress ?? '?'}:${s.remotePort ?? '?'}`;
}

/**
 * Serve one admitted inbound socket: TLS, handshake, then records. Returns the socket the link
 * speaks on (the TLS socket over `raw`, or `raw` itself); destroying it closes the link.
 */
export function acceptPeer(raw: Socket, o: AcceptOptions, handlers: AcceptHandlers): Socket {
  const address = remoteAddress(raw);
  const ctx = o.secureContext;
  const s: Socket = ctx !== null ? new TLSSocket(raw, { isServer: true, secureContext: ctx }) : raw;
  /** Whether the link is authenticated and its socket not yet closed. */
  let authenticated = false;
  if (s !== raw) {
    // A TLS failure (not TLS at all, a bad client hello) is a failed authentication too.
    s.on('error', () => {
      if (!authenticated) handlers.onFault({ reason: 'tls', direction: 'inbound', address });
      raw.destroy();
    });
  }
  let from: NodeId | null = null;
  const hs = new ListenerHandshake(o.clusterKey, o.self, o.members);
  const deadline = o.scheduler.setTimer(o.handshakeTimeoutMs, () => {
    handlers.onFault({ reason: 'timeout', direction: 'inbound', address });
    s.destroy();
  });
  const close = (fault: PeerLinkFault) => {
    reader.stop();
    handlers.onFault(fault);
    s.destroy();
  };
  const reader = new FrameReader(
    MAX_HANDSHAKE_FRAME,
    (f) =>
      answerHandshake(
        s,
        hs.receive(f),
        (peer, opener) => {
          deadline.cancel();
          from = peer;
          authenticated = true;
          handlers.onAuthenticated(peer, s);
          reader.maxFrame = o.maxFrameBytes + TAG_BYTES;
          reader.onFrame = (record) => readRecord(peer, opener, record, close, address, handlers);
        },
        () => reader.stop(),
        address,
        (fault) => handlers.onFault(fault),
      ),
    () =>
      close({
        reason: from === null ? 'malformed' : 'bad-record',
        direction: 'inbound',
        address,
        ...(from !== null ? { peer: from } : {}),
      }),
  );
  s.on('data', (chunk: Buffer) => reader.push(chunk));
  s.on('close', () => {
    deadline.cancel();
    reader.stop();
    authenticated = false;
    handlers.onClosed(from, s);
  });
  return s;
}

/** Act on one step of the listener's handshake: reply, authenticate, or refuse and close. */
function answerHandshake(
  s: Socket,
  step: HandshakeStep,
  authenticated: (peer: NodeId, opener: RecordOpener) => void,
  stopReading: () => void,
  address: string,
  fault: (f: PeerLinkFault) => void,
): void {
  const reply = (m: HandshakeMessage | undefined) => {
    if (m !== undefined) s.write(lengthPrefixed(encodeHandshake(m)));
  };
  if (step.kind === 'send') reply(step.message);
  else if (step.kind === 'done') {
    reply(step.message);
    authenticated(step.peer, new RecordOpener(step.key));
  } else {
    stopReading();
    fault({
      reason: step.reason,
      direction: 'inbound',
      address,
      ...(step.peer !== undefined ? { peer: step.peer } : {}),
    });
    reply(step.message);
    s.end();
    s.destroySoon();
  }
}

/** One authenticated record from `peer`: check its MAC, then hand over each frame inside. */
function readRecord(
  peer: NodeId,
  opener: RecordOpener,
  record: Uint8Array,
  close: (f: PeerLinkFault) => void,
  address: string,
  handlers: AcceptHandlers,
): void {
  const payload = opener.open(record);
  if (payload === null) {
    close({ reason: 'bad-record', direction: 'inbound', address, peer });
    return;
  }
  const view = Buffer.from(payload.buffer, payload.byteOffset, payload.length);
  const fault = (reason: PeerLinkFault['reason'], error?: unknown) =>
    close({ reason, direction: 'inbound', address, peer, ...(error !== undefined ? { error } : {}) });
  let at = 0;
  while (at < view.length) {
    const len = view.length - at >= 4 ? view.readUInt32BE(at) : -1;
    if (len < 0 || len > view.length - at - 4) {
      fault('bad-frame');
      return;
    }
    let m: ClusterMessage;
    try {
      m = decodeClusterMessage(new Uint8Array(view.buffer, view.byteOffset + at + 4, len));
    } catch (e) {
      fault(
        e instanceof DecodeError ? 'bad-frame' : 'handler-error',
        e instanceof DecodeError ? undefined : e,
      );
      return;
    }
    at += 4 + len;
    try {
      handlers.onMessage(peer, m);
    } catch (e) {
      // A bug (or a message we failed to validate) must cost this link, never the process.
      fault('handler-error', e);
      return;
    }
  }
}
