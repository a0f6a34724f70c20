/**
 * Coalesces the frames a node sends into few socket writes. A socket is corked at its first
 * frame and joins the dirty set; one flush, `intervalMs` after the first frame since the last
 * flush, uncorks every dirty socket, so each sends what it gathered in one `writev`. A frame
 * waits at most `intervalMs` (default 1 ms), and a busy socket sends one packet per interval
 * instead of one per event-loop turn. On loopback a `writev` costs tens of microseconds of kernel
 * time on both ends, and at tens of thousands of frames per second that, more than the relay's
 * own work, is what saturates the CPU.
 */

/** The part of a socket the coalescer needs (`net.Socket` has it). */
export interface Corkable {
  cork(): void;
  uncork(): void;
}

/** Options of a {@link WriteCoalescer}. */
export interface WriteCoalescerOptions {
  /** How long the first frame after a flush waits for company (ms). 0 flushes at the end of the turn. Default 1. */
  readonly intervalMs?: number;
}

/** One coalescer per transport, shared by all its sockets. */
export class WriteCoalescer {
  private readonly dirty = new Set<Corkable>();
  private readonly intervalMs: number;
  private scheduled = false;

  constructor(options: WriteCoalescerOptions = {}) {
    this.intervalMs = options.intervalMs ?? 1;
  }

  /** Call before writing a frame to `socket`: corks it until the next flush. */
  hold(socket: Corkable): void {
    if (this.dirty.has(socket)) return;
    socket.cork();
    this.dirty.add(socket);
    if (this.scheduled) return;
    this.scheduled = true;
    if (this.intervalMs > 0) setTimeout(this.flush, this.intervalMs);
    else setImmediate(this.flush);
  }

  /** Uncork `socket` now if it is held (before closing it, so queued frames leave first). */
  release(socket: Corkable): void {
    if (this.dirty.delete(socket)) socket.uncork();
  }

  /** Number of sockets waiting for the next flush. */
  get held(): number {
    return this.dirty.size;
  }

  /** Uncork every held socket. */
  readonly flush = (): void => {
    this.scheduled = false;
    const sockets = [...this.dirty];
    this.dirty.clear();
    for (const s of sockets) s.uncork();
  };
}
