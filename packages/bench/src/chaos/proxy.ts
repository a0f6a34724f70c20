/**
 * A loopback TCP proxy in front of one peer link, controlled by the chaos harness: pass bytes
 * through (optionally delayed, in order), drop (reset every connection and refuse new ones), or
 * blackhole (accept and hold connections but forward nothing, like a silent partition; on heal
 * the held connections are reset so both ends reconnect cleanly rather than see half a frame).
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

/** How a link behaves. */
export type LinkMode = 'pass' | 'drop' | 'blackhole';

/** Where a proxy listens and forwards. */
export interface ChaosProxyOptions {
  /** The real peer port on 127.0.0.1. */
  targetPort: number;
  /** Port to listen on (default 0: any free port). */
  listenPort?: number;
}

/** Delayed chunks of one direction, released strictly in arrival order. */
interface DelayQueue {
  items: { at: number; chunk: Buffer }[];
  timer: NodeJS.Timeout | null;
}

interface Pair {
  client: Socket;
  upstream: Socket;
  up: DelayQueue;
  down: DelayQueue;
}

/** One proxied link. Every socket has an error listener; nothing it does throws into the event loop. */
export class ChaosProxy {
  private readonly server: Server;
  private readonly targetPort: number;
  private readonly pairs = new Set<Pair>();
  private mode: LinkMode = 'pass';
  private delayMs = 0;
  private jitterMs = 0;
  private random: () => number = Math.random;
  private closed = false;
  /** Bytes forwarded (both directions), for tests and reports. */
  forwardedBytes = 0;

  private constructor(server: Server, targetPort: number) {
    this.server = server;
    this.targetPort = targetPort;
  }

  /** Start listening on 127.0.0.1. Rejects when the port cannot be bound. */
  static start(options: ChaosProxyOptions): Promise<ChaosProxy> {
    const server = createServer({ noDelay: true });
    const proxy = new ChaosProxy(server, options.targetPort);
    server.on('connection', (s) => proxy.accept(s));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.listenPort ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        server.on('error', () => {});
        resolve(proxy);
      });
    });
  }

  /** The port peers dial. */
  get port(): number {
    const a = this.server.address();
    return typeof a === 'object' && a !== null ? a.port : 0;
  }

  /** Current mode. */
  get linkMode(): LinkMode {
    return this.mode;
  }

  /** Open proxied connections. */
  get connections(): number {
    return this.pairs.size;
  }

  /**
   * Change the mode. `drop` resets every connection now; leaving `blackhole` resets the held
   * connections (their peers reconnect). Entering `blackhole` keeps connections open, silent.
   */
  setMode(mode: LinkMode): void {
    const prev = this.mode;
    this.mode = mode;
    if (mode === 'drop' || (prev === 'blackhole' && mode !== 'blackhole')) this.resetAll();
  }

  /** Delay every chunk by `ms` plus a uniform `jitterMs`, keeping byte order per direction. */
  setDelay(ms: number, jitterMs = 0, random: () => number = Math.random): void {
    if (!(ms >= 0 && jitterMs >= 0)) throw new RangeError('delay and jitter must be >= 0');
    this.delayMs = ms;
    this.jitterMs = jitterMs;
    this.random = random;
  }

  /** Reset every connection (both ends see the socket close). */
  resetAll(): void {
    for (const p of this.pairs) this.teardown(p);
  }

  /** Stop listening and reset every connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.resetAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    client.on('error', () => {});
    if (this.mode === 'drop' || this.closed) {
      client.resetAndDestroy();
      return;
    }
    client.setNoDelay(true);
    const upstream = connect({ host: '127.0.0.1', port: this.targetPort, noDelay: true });
    upstream.on('error', () => {});
    const pair: Pair = { client, upstream, up: { items: [], timer: null }, down: { items: [], timer: null } };
    this.pairs.add(pair);
    client.on('data', (chunk: Buffer) => this.forward(pair, chunk, 'up'));
    upstream.on('data', (chunk: Buffer) => this.forward(pair, chunk, 'down'));
    client.on('close', () => this.teardown(pair));
    upstream.on('close', () => this.teardown(pair));
  }

  private forward(pair: Pair, chunk: Buffer, dir: 'up' | 'down'): void {
    if (this.mode !== 'pass') return; // blackhole: held connection, bytes vanish; drop: about to reset
    const to = dir === 'up' ? pair.upstream : pair.client;
    const q = dir === 'up' ? pair.up : pair.down;
    const delay = this.delayMs + (this.jitterMs > 0 ? this.random() * this.jitterMs : 0);
    if (delay <= 0 && q.items.length === 0) {
      this.write(pair, to, chunk);
      return;
    }
    const last = q.items.at(-1)?.at ?? 0;
    q.items.push({ at: Math.max(last, performance.now() + delay), chunk });
    if (q.timer === null) this.drain(pair, to, q);
  }

  private drain(pair: Pair, to: Socket, q: DelayQueue): void {
    q.timer = null;
    const now = performance.now();
    while (q.items.length > 0 && q.items[0]!.at <= now + 0.5) {
      const { chunk } = q.items.shift()!;
      if (this.mode === 'pass' && this.pairs.has(pair)) this.write(pair, to, chunk);
    }
    const head = q.items[0];
    if (head !== undefined && this.pairs.has(pair)) {
      q.timer = setTimeout(() => this.drain(pair, to, q), Math.max(0, head.at - now));
    }
  }

  private write(pair: Pair, to: Socket, chunk: Buffer): void {
    if (to.destroyed) {
      this.teardown(pair);
      return;
    }
    this.forwardedBytes += chunk.length;
    to.write(chunk);
  }

  private teardown(pair: Pair): void {
    if (!this.pairs.delete(pair)) return;
    for (const q of [pair.up, pair.down]) {
      if (q.timer !== null) clearTimeout(q.timer);
      q.items.length = 0;
    }
    pair.client.resetAndDestroy();
    pair.upstream.resetAndDestroy();
  }
}
