/**
 * A `ws` socket adapted to the relay's {@link Connection}. A class, not an object literal per
 * socket: a getter in a literal gives every connection its own hidden class, which made the
 * relay's per-frame calls (`bufferedAmount`, `send`) megamorphic property loads, about 4% of the
 * event loop at 24,000 updates/s.
 *
 * Binary frames bypass `ws`'s sender: a connection gathers the frames of one write window and,
 * when the coalescer flushes it, frames them (RFC 6455: FIN, binary opcode, unmasked, the
 * payload length in 1, 3 or 9 bytes) into one buffer and writes that once to the TCP socket.
 * Through `ws.send` each frame was a header and a payload written to a corked socket, two
 * entries in Node's write queue, handed to one `writev` with two iovecs per frame. In a
 * microbenchmark (60 loopback sockets, 4 frames per socket per window) that bookkeeping was half
 * of the user CPU per frame (510 -> 270 ns); the system call (about 1.1 µs per frame there, most
 * of the cost) is the same either way. Control frames (`ws`'s pings and close) still
 * go through `ws`, between whole data frames, which RFC 6455 allows. Frames still gathered when
 * the socket stops being open (the peer's close, an idle close) are dropped: nothing may follow
 * a close frame.
 */
import type { Socket } from 'node:net';
import type WebSocket from 'ws';
import type { Connection } from '../relay/connection.js';
import type { Scheduler } from '../time/scheduler.js';
import type { Corkable, WriteCoalescer } from './write-coalescer.js';

/** How long a peer that never answers the close handshake keeps its socket (ms). */
const CLOSE_GRACE_MS = 2000;

/** One client connection over `ws`; its frames wait in it until the coalescer's next flush. */
export class WsConnection implements Connection, Corkable {
  /** The per-address key, absent when the address is exempt from per-address limits. */
  readonly address: string | undefined;
  /** Payloads of the frames sent since the last flush, in order. */
  private pending: Uint8Array[] = [];
  /** Their size once framed (headers included). */
  private pendingBytes = 0;

  constructor(
    readonly remote: string,
    address: string | null,
    private readonly ws: WebSocket,
    private readonly socket: Socket,
    private readonly coalescer: WriteCoalescer,
    /** Timers (the close grace), the transport's. */
    private readonly scheduler: Scheduler,
    private readonly onAuthenticated: () => boolean,
  ) {
    this.address = address ?? undefined;
  }

  authenticated(): boolean {
    return this.onAuthenticated();
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount + this.pendingBytes;
  }

  send(frame: Uint8Array): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    if (this.pending.length === 0) this.coalescer.hold(this);
    this.pending.push(frame);
    this.pendingBytes += headerBytes(frame.length) + frame.length;
  }

  /** The coalescer holds this connection: nothing to do, frames wait here. */
  cork(): void {}

  /** The coalescer's flush: write what was gathered as one buffer. */
  uncork(): void {
    const frames = this.pending;
    if (frames.length === 0) return;
    const bytes = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    if (this.ws.readyState !== this.ws.OPEN || this.socket.destroyed) return;
    this.socket.write(binaryFrames(frames, bytes));
  }

  close(code: number, reason: string): void {
    const ws = this.ws;
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) {
      this.coalescer.release(this); // the gathered frames leave before the close frame
      ws.close(code, reason);
      this.scheduler.setTimer(CLOSE_GRACE_MS, () => ws.terminate());
    }
  }
}

/** Header size of an unmasked frame with a payload of `n` bytes. */
function headerBytes(n: number): number {
  return n < 126 ? 2 : n < 65536 ? 4 : 10;
}

/**
 * `payloads` as unmasked final binary frames, one after the other, in one buffer of `bytes`
 * bytes (their total framed size).
 */
function binaryFrames(payloads: readonly Uint8Array[], bytes: number): Buffer {
  const out = Buffer.allocUnsafe(bytes);
  let at = 0;
  for (const p of payloads) {
    const n = p.length;
    out[at++] = 0x82; // FIN, opcode 2 (binary)
    if (n < 126) out[at++] = n;
    else if (n < 65536) {
      out[at++] = 126;
      out.writeUInt16BE(n, at);
      at += 2;
    } else {
      out[at++] = 127;
      out.writeUInt32BE(Math.floor(n / 2 ** 32), at);
      out.writeUInt32BE(n >>> 0, at + 4);
      at += 8;
    }
    out.set(p, at);
    at += n;
  }
  return out;
}
