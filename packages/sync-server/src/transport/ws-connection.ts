/**
 * A `ws` socket adapted to the relay's {@link Connection}. A class, not an object literal per
 * socket: a getter in a literal gives every connection its own hidden class, which made the
 * relay's per-frame calls (`bufferedAmount`, `send`) megamorphic property loads, about 4% of the
 * event loop at 24,000 updates/s.
 */
import type { Socket } from 'node:net';
import type WebSocket from 'ws';
import type { Connection } from '../relay/connection.js';
import type { Scheduler } from '../time/scheduler.js';
import type { WriteCoalescer } from './write-coalescer.js';

/** How long a peer that never answers the close handshake keeps its socket (ms). */
const CLOSE_GRACE_MS = 2000;

/** One client connection over `ws`; its frames queue on the corked socket until the coalescer's next flush. */
export class WsConnection implements Connection {
  /** The per-address key, absent when the address is exempt from per-address limits. */
  readonly address: string | undefined;

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
    return this.ws.bufferedAmount;
  }

  send(frame: Uint8Array): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.coalescer.hold(this.socket);
    this.ws.send(frame, SEND_OPTIONS);
  }

  close(code: number, reason: string): void {
    const ws = this.ws;
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) {
      ws.close(code, reason);
      this.coalescer.release(this.socket); // the error frame and the close frame leave now
      this.scheduler.setTimer(CLOSE_GRACE_MS, () => ws.terminate());
    }
  }
}

const SEND_OPTIONS = { binary: true } as const;
