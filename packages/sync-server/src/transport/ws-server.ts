/**
 * The HTTP + WebSocket front of a relay node, and the only module that imports `ws`. Serves
 * `/healthz` and `/metrics` on the same port, checks the Origin allow-list and admission control
 * at the upgrade (refused with HTTP 403/429/503 before any WebSocket frame; see {@link Admission}:
 * sockets whose token is not yet checked have a budget of their own, per address and in total),
 * caps frames at `maxPayload` (ws closes oversize frames with 1009), keeps an `error` listener on
 * every socket, and pings idle clients ({@link LivenessPinger}). Every timer runs on the injected
 * {@link Scheduler} (`TransportOptions.scheduler`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { CloseCode } from '@accord/core/protocol';
import type { Logger } from 'pino';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Connection, ConnectionHandler } from '../relay/connection.js';
import { RealScheduler, type Scheduler, type TimerHandle } from '../time/scheduler.js';
import {
  Admission,
  type AdmissionRefusal,
  addressKey,
  DEFAULT_UNLIMITED_ADDRESSES,
  UPGRADE_REFUSALS,
} from './admission.js';
import { type LivenessEntry, LivenessPinger, PING_SLICES } from './liveness.js';
import { WriteCoalescer } from './write-coalescer.js';
import { WsConnection } from './ws-connection.js';

/** What the transport serves. */
export interface TransportHandlers {
  /** Accept a connection that passed the upgrade checks. */
  accept(conn: Connection): ConnectionHandler;
  /** Whether new connections are taken (false while shutting down: upgrades get 503). */
  accepting(): boolean;
  /** `/healthz` body; `ok: false` answers 503. */
  health(): { ok: boolean } & Record<string, unknown>;
  /** `/metrics` body and content type. */
  metrics(): Promise<{ contentType: string; body: string }>;
}

/** Transport options (all from CLI flags). */
export interface TransportOptions {
  readonly host: string;
  readonly port: number;
  readonly maxPayload: number;
  /** Authenticated connections; upgrades beyond get 503. */
  readonly maxConnections: number;
  /** Upgraded sockets whose token is not yet checked, in total; the oldest is evicted beyond. Default 10,000. */
  readonly maxPending?: number;
  /** Such sockets per address (IPv4, or IPv6 /64); upgrades beyond get 429. 0: no cap. Default 64. */
  readonly maxPendingPerAddress?: number;
  /**
   * Addresses exempt from every per-address limit (this cap and the relay's shared address
   * budget), as given to `--unlimited-addresses`. Default {@link DEFAULT_UNLIMITED_ADDRESSES}.
   */
  readonly unlimitedAddresses?: readonly string[];
  /** Ping interval; a client that misses one round trip is terminated. */
  readonly keepAliveMs: number;
  readonly isOriginAllowed: (origin: string | undefined) => boolean;
  readonly logger: Logger;
  /** Counts each socket refused at the upgrade or evicted from the pending budget. */
  readonly onRefused?: (reason: AdmissionRefusal) => void;
  /** How long queued frames wait for company before they are sent (ms); see `WriteCoalescer`. Default 1. */
  readonly writeCoalesceMs?: number;
  /** The window under full load (ms); default `writeCoalesceMs` (no adaptation). */
  readonly writeCoalesceMaxMs?: number;
  /** PEM certificate chain and key: serve HTTPS and `wss://` instead of plain HTTP and `ws://`. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer } | null;
  /** With `tls`: time a client has to complete the TLS handshake (ms). Default 10,000. */
  readonly tlsHandshakeTimeoutMs?: number;
  /**
   * Clock and timers of the transport: keep-alive pings, the grace periods of refused and closing
   * sockets, the write coalescer's window and the shutdown wait. Default: a `RealScheduler`,
   * whose timers do not keep the process alive (the shutdown wait does).
   */
  readonly scheduler?: Scheduler;
}

/** A listening transport. */
export interface Transport {
  /** The bound port (useful with port 0). */
  readonly port: number;
  /** Sockets whose token is not yet checked, and authenticated connections, now. */
  admission(): { pending: number; connections: number };
  /** Stop accepting new connections (the HTTP server closes once open sockets end). */
  stopAccepting(): void;
  /** Terminate whatever is still open and close the server. */
  close(): Promise<void>;
}

interface Live extends LivenessEntry {
  ws: WebSocket;
  conn: WsConnection;
  /** Forget the socket and tell its handler it closed (idempotent). */
  finish: () => void;
  /** Resolves when the socket has closed. */
  closed: Promise<void>;
}

/**
 * Connections the kernel may queue before the node accepts them (Node's default is 511; Linux
 * caps it at `net.core.somaxconn`). Idle sockets closed by their hello deadline come back in
 * bursts; a short queue then drops honest clients' handshakes, which retry a second later.
 */
const LISTEN_BACKLOG = 4096;

/** How long a refused upgrade's socket may stay open for its answer to be read (ms). */
const REFUSED_GRACE_MS = 2000;

/** On close, how long closing sockets get to finish their close handshake before they are cut (ms). */
const SHUTDOWN_GRACE_MS = 1000;

/** Start the HTTP server and WebSocket endpoint. Rejects if the port cannot be bound. */
export async function startTransport(
  options: TransportOptions,
  handlers: TransportHandlers,
): Promise<Transport> {
  const { logger } = options;
  const scheduler = options.scheduler ?? new RealScheduler();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayload,
    perMessageDeflate: false,
    clientTracking: false,
  });
  const live = new Map<Duplex, Live>();
  const admission = new Admission<Duplex>({
    maxConnections: options.maxConnections,
    maxPending: options.maxPending ?? 10_000,
    maxPendingPerAddress: options.maxPendingPerAddress ?? 64,
  });
  let attached = 0;
  const unlimited = new Set((options.unlimitedAddresses ?? DEFAULT_UNLIMITED_ADDRESSES).map(addressKey));
  const coalescer = new WriteCoalescer({
    intervalMs: options.writeCoalesceMs ?? 1,
    maxIntervalMs: options.writeCoalesceMaxMs,
    scheduler,
  });

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    void serveHttp(req, res, handlers).catch((e: unknown) => {
      logger.error({ err: e }, 'http handler failed');
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  };
  const tls = options.tls;
  // An HTTPS server is an HTTP server over TLS: the same request, upgrade and error events.
  const server: Server =
    tls != null
      ? (createHttpsServer(
          {
            cert: tls.cert,
            key: tls.key,
            minVersion: 'TLSv1.2',
            handshakeTimeout: options.tlsHandshakeTimeoutMs ?? 10_000,
          },
          onRequest,
        ) as unknown as Server)
      : createServer(onRequest);
  server.on('clientError', (_err, socket) => socket.destroy());
  if (tls != null) server.on('tlsClientError', (_err: Error, socket: Duplex) => socket.destroy());

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const refuse = (reason: AdmissionRefusal) => {
      options.onRefused?.(reason);
      // Debug, not info: a flood of refused upgrades must not become a flood of log lines.
      logger.debug(
        { remote: req.socket.remoteAddress, origin: req.headers.origin, reason },
        'upgrade refused',
      );
      const http = UPGRADE_REFUSALS[reason] ?? { status: 503, phrase: 'Service Unavailable' };
      const retry = http.status === 403 ? '' : 'Retry-After: 1\r\n';
      socket.end(
        `HTTP/1.1 ${http.status} ${http.phrase}\r\nConnection: close\r\n${retry}Content-Length: 0\r\n\r\n`,
      );
      // A client that never closes its side must not keep the descriptor.
      scheduler.setTimer(REFUSED_GRACE_MS, () => socket.destroy());
    };
    if (!handlers.accepting()) return refuse('shutting-down');
    if (!options.isOriginAllowed(req.headers.origin)) return refuse('origin');
    const key = addressKey(req.socket.remoteAddress);
    const address = unlimited.has(key) ? null : key;
    const verdict = admission.admit(socket, address);
    if (!verdict.ok) return refuse(verdict.reason);
    if (verdict.evicted !== undefined) evict(verdict.evicted);
    socket.once('close', () => admission.release(socket));
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws, req, socket, address));
  });

  /** The oldest pending socket makes room for a newer one: closed with 4008 (retry later). */
  function evict(socket: Duplex): void {
    options.onRefused?.('pending-evicted');
    const entry = live.get(socket);
    if (entry === undefined) socket.destroy();
    else {
      entry.conn.close(CloseCode.overloaded, 'too many unauthenticated connections');
      // The relay forgets it now, not after the close handshake: a token check in flight for it
      // then ends quietly instead of counting as a full connection budget.
      entry.finish();
    }
  }

  /** `address`: the per-address key, `null` when exempt from per-address limits. */
  function attach(ws: WebSocket, req: IncomingMessage, socket: Duplex, address: string | null): void {
    ws.binaryType = 'nodebuffer';
    let markClosed = () => {};
    const remote = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? 0}`;
    const conn = new WsConnection(remote, address, ws, req.socket, coalescer, scheduler, () =>
      admission.authenticate(socket),
    );
    const entry: Live = {
      ws,
      conn,
      finish: () => finish(),
      alive: true,
      slice: attached++ % PING_SLICES,
      closed: new Promise<void>((r) => (markClosed = r)),
    };
    live.set(socket, entry);
    let closed = false;
    const handler = handlers.accept(conn);
    const finish = () => {
      if (closed) return;
      closed = true;
      live.delete(socket);
      admission.release(socket);
      markClosed();
      handler.onClose();
    };
    ws.on('error', (err: Error & { code?: string }) => {
      // ws already closes with 1007 (bad UTF-8 in a text frame) or 1009 (over maxPayload).
      logger.info({ remote, code: err.code, err: err.message }, 'socket error');
      finish();
    });
    ws.on('pong', () => {
      entry.alive = true;
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      entry.alive = true;
      try {
        handler.onFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), isBinary);
      } catch (e) {
        // A bug reached by one connection's input costs that connection, never the node.
        logger.error({ err: e, remote }, 'frame handler threw; closing the connection');
        conn.close(CloseCode.internalError, 'internal error');
        finish();
      }
    });
    ws.on('close', finish);
  }

  // Sockets that have not authenticated are not pinged: their hello and join deadlines bound them.
  const pinger = new LivenessPinger<Duplex>({
    scheduler,
    keepAliveMs: options.keepAliveMs,
    entries: () => live,
    skip: (socket) => admission.isPending(socket),
  });
  pinger.start();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port, host: options.host, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (e) => logger.error({ err: e }, 'http server error'));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : options.port;

  return {
    port,
    admission: () => ({ pending: admission.pendingCount, connections: admission.connectionCount }),
    stopAccepting() {
      server.close();
    },
    async close() {
      pinger.stop();
      server.close();
      // Give closing sockets a moment to finish their close handshake, then cut the rest. The wait
      // keeps the process alive: it may be all that is left while the node shuts down.
      let timer: TimerHandle | undefined;
      await Promise.race([
        Promise.all([...live.values()].map((e) => e.closed)),
        new Promise<void>((r) => {
          timer = scheduler.setTimer(SHUTDOWN_GRACE_MS, r, { keepAlive: true });
        }),
      ]);
      timer?.cancel();
      for (const e of live.values()) e.ws.terminate();
      server.closeAllConnections();
      await new Promise<void>((r) => setImmediate(r));
    },
  };
}

async function serveHttp(req: IncomingMessage, res: ServerResponse, h: TransportHandlers): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  if (path === '/healthz') {
    const body = h.health();
    res.writeHead(body.ok ? 200 : 503, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  } else if (path === '/metrics') {
    const m = await h.metrics();
    res.writeHead(200, { 'Content-Type': m.contentType }).end(m.body);
  } else {
    res
      .writeHead(426, { 'Content-Type': 'text/plain', Upgrade: 'websocket' })
      .end('Accord relay: connect with a WebSocket\n');
  }
}
