/**
 * Peer links over TCP (or TLS): every node listens for peers and dials each peer once
 * (reconnecting with backoff and jitter). A node sends on its own outbound link and receives on
 * inbound ones, so each direction of each pair is one TCP connection that a chaos proxy can cut
 * on its own.
 *
 * Nothing a peer sends is read as a cluster message before the link is authenticated: the first
 * frames are the handshake (`peer-handshake.ts`: both sides prove the cluster secret, bound to
 * both node ids and fresh nonces), limited to a few small frames and a deadline, with a cap on
 * unauthenticated sockets in total and per remote address. After it, the dialer sends records
 * (`peer-auth.ts`): each carries the frames of one write window (`[u32 length][ClusterMessage]`
 * each) and a MAC over a sequence number, so injected, replayed or reordered bytes close the link.
 * A bad frame or record, or a message handler that throws, closes that link only.
 *
 * This module keeps the links of a node: the listener and its cap on unauthenticated sockets,
 * one dial per peer with its redial backoff, and sending. One inbound link is served by
 * `peer-acceptor.ts`, one outbound link is dialed by `peer-dialer.ts`.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { NodeId } from '../election/types.js';
import { RealScheduler, type Scheduler, type TimerHandle } from '../time/scheduler.js';
import { WriteCoalescer } from '../transport/write-coalescer.js';
import type { ClusterMessage } from './messages.js';
import { acceptPeer, type PeerLinkFault, remoteAddress } from './peer-acceptor.js';
import type { ClusterKey } from './peer-auth.js';
import { encodeClusterFrame } from './peer-codec.js';
import { dialPeer, type PeerTlsOptions, type RecordWriter } from './peer-dialer.js';

export type { PeerLinkFault } from './peer-acceptor.js';
export type { PeerTlsOptions } from './peer-dialer.js';

/** Where a peer accepts peer links. */
export interface PeerLinkAddress {
  id: NodeId;
  host: string;
  port: number;
}

/** Options of {@link PeerLinks}. */
export interface PeerLinksOptions {
  nodeId: NodeId;
  listenHost: string;
  /** Port to accept peer links on (0: any free port). */
  listenPort: number;
  peers: readonly PeerLinkAddress[];
  /** The key derived from the cluster secret (`deriveClusterKey`). */
  clusterKey: ClusterKey;
  /** TLS for the listener and the dials; plain TCP when absent. */
  tls?: PeerTlsOptions | null;
  onMessage: (from: NodeId, message: ClusterMessage) => void;
  /** Called when this node's outbound link to `peer` is (re)established and authenticated. */
  onConnected?: (peer: NodeId) => void;
  /**
   * Called when an inbound link from `peer` authenticated: the peer can reach us again, so what
   * it sent us on its previous link (or dropped while it had none) may need sending again.
   */
  onInboundAuthenticated?: (peer: NodeId) => void;
  /**
   * Called when the last inbound link from `peer` closed (it crashed, restarted, stopped or was
   * cut off): what it sent may be stale.
   */
  onInboundLost?: (peer: NodeId) => void;
  /** A link failed authentication or was closed for a fault (log it, count it). */
  onFault?: (fault: PeerLinkFault) => void;
  /** Largest frame (and record) accepted, in bytes. Default 32 MiB. */
  maxFrameBytes?: number;
  /** How long frames wait for company before they are written (ms). Default 1. */
  coalesceMs?: number;
  /** Time allowed for the handshake (ms). Default 2000. */
  handshakeTimeoutMs?: number;
  /** Unauthenticated inbound sockets allowed at once, in total. Default 64. */
  maxUnauthenticated?: number;
  /** ... and per remote address. Default 8. */
  maxUnauthenticatedPerAddress?: number;
  /**
   * Clock and timers of the links: redial backoff, handshake deadlines (listening and dialing)
   * and the write coalescer's window. Default: a `RealScheduler`, whose timers do not keep the
   * process alive (the listener and the sockets do, until {@link PeerLinks.stop}).
   */
  scheduler?: Scheduler;
}

/**
 * Redial backoff. Peers are few and an election cannot use a link that is still backing off, nor
 * can a write wait for its quorum or a join for its read on one, so the ceiling stays well under
 * the election timeout: a restarted, resumed or reconnected peer is reachable again within about
 * 150 ms (a redial on loopback or a LAN costs a connect and a handshake). A peer that refuses our
 * proof is redialled at the ceiling.
 */
const MIN_BACKOFF_MS = 25;
const MAX_BACKOFF_MS = 100;

interface Outbound {
  peer: PeerLinkAddress;
  socket: Socket | null;
  writer: RecordWriter | null;
  backoffMs: number;
  timer: TimerHandle | null;
}

/** The TCP links of one node to all its peers. */
export class PeerLinks {
  private readonly options: PeerLinksOptions;
  private readonly maxFrame: number;
  private readonly outbound = new Map<NodeId, Outbound>();
  private readonly inbound = new Set<Socket>();
  /** The peer each authenticated inbound socket speaks for. */
  private readonly inboundPeer = new Map<Socket, NodeId>();
  /** Unauthenticated inbound sockets per remote address. */
  private readonly unauthenticated = new Map<string, number>();
  private unauthenticatedTotal = 0;
  private readonly members: ReadonlySet<NodeId>;
  private readonly coalescer: WriteCoalescer;
  private readonly scheduler: Scheduler;
  private server: Server | null = null;
  /** The listen in progress (settles once the server listens or failed to); null once done. */
  private listening: Promise<void> | null = null;
  private secureContext: SecureContext | null = null;
  private stopped = false;

  constructor(options: PeerLinksOptions) {
    this.options = options;
    this.maxFrame = options.maxFrameBytes ?? 32 * 1024 * 1024;
    this.scheduler = options.scheduler ?? new RealScheduler();
    this.coalescer = new WriteCoalescer({ intervalMs: options.coalesceMs ?? 1, scheduler: this.scheduler });
    this.members = new Set(options.peers.map((p) => p.id));
  }

  /** The bound peer port. */
  get port(): number {
    const a = this.server?.address();
    return typeof a === 'object' && a !== null ? a.port : 0;
  }

  /** Peers whose outbound link is up (authenticated). */
  connected(): NodeId[] {
    return [...this.outbound.values()].filter((o) => o.writer !== null).map((o) => o.peer.id);
  }

  /** Whether the outbound link to `peer` is up (authenticated): what {@link send} needs. */
  isUp(peer: NodeId): boolean {
    return (this.outbound.get(peer)?.writer ?? null) !== null;
  }

  /** Peers with an authenticated inbound link. */
  inboundPeers(): NodeId[] {
    return [...new Set(this.inboundPeer.values())];
  }

  /** Listen and start dialing every peer. Rejects when the port cannot be bound. */
  async start(): Promise<void> {
    const tls = this.options.tls;
    if (tls != null) {
      this.secureContext = createSecureContext({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' });
    }
    const server = createServer({ noDelay: true }, (s) => this.acceptInbound(s));
    this.server = server;
    this.listening = new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.listenPort, this.options.listenHost, () => {
        server.off('error', reject);
        server.on('error', () => {});
        resolve();
      });
    });
    try {
      await this.listening;
    } finally {
      this.listening = null;
    }
    // Stopped while listening: stop() waited for the listen and closes the server; dial nobody.
    if (this.stopped) return;
    for (const peer of this.options.peers) {
      const o: Outbound = { peer, socket: null, writer: null, backoffMs: MIN_BACKOFF_MS, timer: null };
      this.outbound.set(peer.id, o);
      this.dial(o);
    }
  }

  /** Send to one peer; returns false (message dropped) when its link is down. */
  send(to: NodeId, message: ClusterMessage): boolean {
    const o = this.outbound.get(to);
    if (o === undefined || o.writer === null) return false;
    this.coalescer.hold(o.writer);
    o.writer.write(encodeClusterFrame(message));
    return true;
  }

  /**
   * Send a frame made by `encodeClusterFrame` (one encoding written to several peers); returns
   * false (dropped) when the link is down. The frame is not copied: it must not change afterwards.
   */
  sendFrame(to: NodeId, frame: Buffer): boolean {
    const o = this.outbound.get(to);
    if (o === undefined || o.writer === null) return false;
    this.coalescer.hold(o.writer);
    o.writer.write(frame);
    return true;
  }

  /** Close every link and stop listening. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const o of this.outbound.values()) {
      o.timer?.cancel();
      o.timer = null;
      o.socket?.destroy();
    }
    for (const s of this.inbound) s.destroy();
    const server = this.server;
    // A server still starting to listen would listen after a close made now: wait for it first.
    await this.listening?.catch(() => {});
    if (server !== null) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private fault(f: PeerLinkFault): void {
    this.options.onFault?.(f);
  }

  private dial(o: Outbound): void {
    if (this.stopped) return;
    const address = `${o.peer.host}:${o.peer.port}`;
    let refused = false;
    const s = dialPeer(
      {
        host: o.peer.host,
        port: o.peer.port,
        self: this.options.nodeId,
        peer: o.peer.id,
        clusterKey: this.options.clusterKey,
        tls: this.options.tls ?? null,
        handshakeTimeoutMs: this.options.handshakeTimeoutMs ?? 2000,
        maxRecordPayload: Math.floor(this.maxFrame / 2),
        scheduler: this.scheduler,
      },
      {
        onAuthenticated: (writer) => {
          o.writer = writer;
          o.backoffMs = MIN_BACKOFF_MS;
          this.options.onConnected?.(o.peer.id);
        },
        onFailed: (reason) => {
          refused = reason !== 'timeout';
          this.fault({ reason, direction: 'outbound', address, peer: o.peer.id });
        },
      },
    );
    o.socket = s;
    s.on('close', () => {
      if (o.writer !== null) this.coalescer.release(o.writer);
      o.writer = null;
      o.socket = null;
      if (this.stopped) return;
      if (refused) o.backoffMs = MAX_BACKOFF_MS;
      const delay = o.backoffMs * (0.5 + Math.random());
      o.backoffMs = Math.min(MAX_BACKOFF_MS, o.backoffMs * 2);
      o.timer = this.scheduler.setTimer(delay, () => {
        o.timer = null;
        this.dial(o);
      });
    });
  }

  /** Whether an authenticated inbound link from `peer` is open. */
  private inboundFrom(peer: NodeId): boolean {
    for (const p of this.inboundPeer.values()) if (p === peer) return true;
    return false;
  }

  private admit(s: Socket): string | null {
    const addr = s.remoteAddress ?? '?';
    const perAddr = this.unauthenticated.get(addr) ?? 0;
    if (
      this.unauthenticatedTotal >= (this.options.maxUnauthenticated ?? 64) ||
      perAddr >= (this.options.maxUnauthenticatedPerAddress ?? 8)
    ) {
      return null;
    }
    this.unauthenticated.set(addr, perAddr + 1);
    this.unauthenticatedTotal++;
    return addr;
  }

  private release(addr: string): void {
    const n = (this.unauthenticated.get(addr) ?? 1) - 1;
    if (n <= 0) this.unauthenticated.delete(addr);
    else this.unauthenticated.set(addr, n);
    this.unauthenticatedTotal--;
  }

  private acceptInbound(raw: Socket): void {
    raw.on('error', () => {});
    if (this.stopped) {
      raw.destroy();
      return;
    }
    // Admission counts the TCP socket, so a flood of sockets stuck in the TLS handshake is capped too.
    const addr = this.admit(raw);
    if (addr === null) {
      this.fault({ reason: 'too-many-unauthenticated', direction: 'inbound', address: remoteAddress(raw) });
      raw.destroy();
      return;
    }
    let pending: string | null = addr;
    const settle = () => {
      if (pending !== null) this.release(pending);
      pending = null;
    };
    const s = acceptPeer(
      raw,
      {
        self: this.options.nodeId,
        members: this.members,
        clusterKey: this.options.clusterKey,
        secureContext: this.secureContext,
        handshakeTimeoutMs: this.options.handshakeTimeoutMs ?? 2000,
        maxFrameBytes: this.maxFrame,
        scheduler: this.scheduler,
      },
      {
        onAuthenticated: (peer, socket) => {
          settle();
          this.inboundPeer.set(socket, peer);
          this.options.onInboundAuthenticated?.(peer);
        },
        onMessage: (peer, message) => this.options.onMessage(peer, message),
        onFault: (fault) => this.fault(fault),
        onClosed: (peer, socket) => {
          settle();
          this.inbound.delete(socket);
          this.inboundPeer.delete(socket);
          if (peer !== null && !this.stopped && !this.inboundFrom(peer)) this.options.onInboundLost?.(peer);
        },
      },
    );
    this.inbound.add(s);
  }
}
