/**
 * Peer links over TCP: every node listens for peers and dials each peer once (reconnecting with
 * backoff and jitter). A node sends on its own outbound link and receives on inbound ones, so
 * each direction of each pair is one TCP connection that a chaos proxy can cut on its own.
 * Frames are a 4-byte big-endian length and a {@link ClusterMessage}; the first frame on a
 * connection is `hello`. A bad frame (oversized, undecodable) closes that connection only.
 * Frames sent close together leave in one write (see {@link WriteCoalescer}).
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { DecodeError } from '@accord/core';
import type { NodeId } from '../election/types.js';
import { WriteCoalescer } from '../transport/write-coalescer.js';
import { decodeClusterMessage, encodeClusterMessage } from './codec.js';
import type { ClusterMessage } from './messages.js';

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
  onMessage: (from: NodeId, message: ClusterMessage) => void;
  /** Called when this node's outbound link to `peer` is (re)established. */
  onConnected?: (peer: NodeId) => void;
  /**
   * Called when the last inbound link from `peer` closed (it crashed, restarted, stopped or was
   * cut off): what it sent may be stale.
   */
  onInboundLost?: (peer: NodeId) => void;
  /** Largest frame accepted, in bytes. Default 32 MiB. */
  maxFrameBytes?: number;
  /** How long frames wait for company before they are written (ms). Default 1. */
  coalesceMs?: number;
}

/**
 * Redial backoff. Peers are few and an election cannot use a link that is still backing off, so
 * the ceiling stays well under the election timeout: a restarted peer is reachable again within
 * about a quarter second.
 */
const MIN_BACKOFF_MS = 25;
const MAX_BACKOFF_MS = 200;

interface Outbound {
  peer: PeerLinkAddress;
  socket: Socket | null;
  up: boolean;
  backoffMs: number;
  timer: NodeJS.Timeout | null;
}

/** Frame reader for one socket: calls `onFrame` per complete frame, `onBad` on a bad length. */
function frameReader(maxFrame: number, onFrame: (f: Uint8Array) => void, onBad: () => void) {
  let buf: Buffer = Buffer.alloc(0);
  return (chunk: Buffer) => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    while (buf.length >= 4) {
      const len = buf.readUInt32BE(0);
      if (len > maxFrame) return onBad();
      if (buf.length < 4 + len) break;
      onFrame(new Uint8Array(buf.subarray(4, 4 + len)));
      buf = buf.subarray(4 + len);
    }
  };
}

function frame(message: ClusterMessage): Buffer {
  const body = encodeClusterMessage(message);
  const out = Buffer.allocUnsafe(4 + body.length);
  out.writeUInt32BE(body.length, 0);
  out.set(body, 4);
  return out;
}

/** The TCP links of one node to all its peers. */
export class PeerLinks {
  private readonly options: PeerLinksOptions;
  private readonly maxFrame: number;
  private readonly outbound = new Map<NodeId, Outbound>();
  private readonly inbound = new Set<Socket>();
  /** The peer each identified inbound socket speaks for. */
  private readonly inboundPeer = new WeakMap<Socket, NodeId>();
  private readonly coalescer: WriteCoalescer;
  private server: Server | null = null;
  private stopped = false;

  constructor(options: PeerLinksOptions) {
    this.options = options;
    this.maxFrame = options.maxFrameBytes ?? 32 * 1024 * 1024;
    this.coalescer = new WriteCoalescer({ intervalMs: options.coalesceMs ?? 1 });
  }

  /** The bound peer port. */
  get port(): number {
    const a = this.server?.address();
    return typeof a === 'object' && a !== null ? a.port : 0;
  }

  /** Peers whose outbound link is up. */
  connected(): NodeId[] {
    return [...this.outbound.values()].filter((o) => o.up).map((o) => o.peer.id);
  }

  /** Listen and start dialing every peer. Rejects when the port cannot be bound. */
  async start(): Promise<void> {
    const server = createServer({ noDelay: true }, (s) => this.acceptInbound(s));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.listenPort, this.options.listenHost, () => {
        server.off('error', reject);
        server.on('error', () => {});
        resolve();
      });
    });
    for (const peer of this.options.peers) {
      const o: Outbound = { peer, socket: null, up: false, backoffMs: MIN_BACKOFF_MS, timer: null };
      this.outbound.set(peer.id, o);
      this.dial(o);
    }
  }

  /** Send to one peer; returns false (message dropped) when its link is down. */
  send(to: NodeId, message: ClusterMessage): boolean {
    const o = this.outbound.get(to);
    if (o === undefined || !o.up || o.socket === null) return false;
    this.coalescer.hold(o.socket);
    o.socket.write(frame(message));
    return true;
  }

  /** Close every link and stop listening. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const o of this.outbound.values()) {
      if (o.timer !== null) clearTimeout(o.timer);
      o.socket?.destroy();
    }
    for (const s of this.inbound) s.destroy();
    const server = this.server;
    if (server !== null) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private dial(o: Outbound): void {
    if (this.stopped) return;
    const s = connect({ host: o.peer.host, port: o.peer.port, noDelay: true });
    o.socket = s;
    s.on('error', () => {});
    s.on('connect', () => {
      o.up = true;
      o.backoffMs = MIN_BACKOFF_MS;
      s.write(frame({ type: 'hello', from: this.options.nodeId }));
      this.options.onConnected?.(o.peer.id);
    });
    // Outbound links carry no replies (peers answer on their own links); drain anything sent.
    s.on('data', () => {});
    s.on('close', () => {
      this.coalescer.release(s);
      o.up = false;
      o.socket = null;
      if (this.stopped) return;
      const delay = o.backoffMs * (0.5 + Math.random());
      o.backoffMs = Math.min(MAX_BACKOFF_MS, o.backoffMs * 2);
      o.timer = setTimeout(() => {
        o.timer = null;
        this.dial(o);
      }, delay);
    });
  }

  /** Whether an identified inbound link from `peer` is open. */
  private inboundFrom(peer: NodeId): boolean {
    for (const s of this.inbound) if (this.inboundPeer.get(s) === peer) return true;
    return false;
  }

  private acceptInbound(s: Socket): void {
    if (this.stopped) {
      s.destroy();
      return;
    }
    this.inbound.add(s);
    s.on('error', () => {});
    let from: NodeId | null = null;
    s.on('close', () => {
      this.inbound.delete(s);
      if (from !== null && !this.stopped && !this.inboundFrom(from)) this.options.onInboundLost?.(from);
    });
    const known = new Set(this.options.peers.map((p) => p.id));
    s.on(
      'data',
      frameReader(
        this.maxFrame,
        (f) => {
          let m: ClusterMessage;
          try {
            m = decodeClusterMessage(f);
          } catch (e) {
            if (e instanceof DecodeError) s.destroy();
            return;
          }
          if (from === null) {
            if (m.type !== 'hello' || !known.has(m.from)) s.destroy();
            else {
              from = m.from;
              this.inboundPeer.set(s, from);
            }
            return;
          }
          this.options.onMessage(from, m);
        },
        () => s.destroy(),
      ),
    );
  }
}
