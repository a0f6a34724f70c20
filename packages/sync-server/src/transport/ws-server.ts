/**
 * The HTTP + WebSocket front of a relay node, and the only module that imports `ws`. Serves
 * `/healthz` and `/metrics` on the same port, checks the Origin allow-list and the connection
 * limit at the upgrade (refused with HTTP 403/503 before any WebSocket frame), caps frames at
 * `maxPayload` (ws closes oversize frames with 1009), keeps an `error` listener on every socket,
 * and pings idle clients.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { CloseCode } from '@accord/core';
import type { Logger } from 'pino';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Connection, ConnectionHandler } from '../relay/connection.js';
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
  readonly maxConnections: number;
  /** Ping interval; a client that misses one round trip is terminated. */
  readonly keepAliveMs: number;
  readonly isOriginAllowed: (origin: string | undefined) => boolean;
  readonly logger: Logger;
  readonly onRefused?: (reason: string) => void;
  /** How long queued frames wait for company before they are sent (ms); see {@link WriteCoalescer}. Default 1. */
  readonly writeCoalesceMs?: number;
  /** The window under full load (ms); default `writeCoalesceMs` (no adaptation). */
  readonly writeCoalesceMaxMs?: number;
}

/** A listening transport. */
export interface Transport {
  /** The bound port (useful with port 0). */
  readonly port: number;
  /** Stop accepting new connections (the HTTP server closes once open sockets end). */
  stopAccepting(): void;
  /** Terminate whatever is still open and close the server. */
  close(): Promise<void>;
}

interface Live {
  ws: WebSocket;
  alive: boolean;
  /** Resolves when the socket has closed. */
  closed: Promise<void>;
}

/** Start the HTTP server and WebSocket endpoint. Rejects if the port cannot be bound. */
export async function startTransport(
  options: TransportOptions,
  handlers: TransportHandlers,
): Promise<Transport> {
  const { logger } = options;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayload,
    perMessageDeflate: false,
    clientTracking: false,
  });
  const live = new Set<Live>();
  const coalescer = new WriteCoalescer({
    intervalMs: options.writeCoalesceMs ?? 1,
    maxIntervalMs: options.writeCoalesceMaxMs,
  });

  const server: Server = createServer((req, res) => {
    void serveHttp(req, res, handlers).catch((e: unknown) => {
      logger.error({ err: e }, 'http handler failed');
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.on('clientError', (_err, socket) => socket.destroy());

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const refuse = (status: number, reason: string) => {
      options.onRefused?.(reason);
      logger.info(
        { remote: req.socket.remoteAddress, origin: req.headers.origin, reason },
        'upgrade refused',
      );
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (!handlers.accepting()) return refuse(503, 'Service Unavailable');
    if (!options.isOriginAllowed(req.headers.origin)) return refuse(403, 'Forbidden');
    if (live.size >= options.maxConnections) return refuse(503, 'Service Unavailable');
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws, req));
  });

  function attach(ws: WebSocket, req: IncomingMessage): void {
    ws.binaryType = 'nodebuffer';
    let markClosed = () => {};
    const entry: Live = { ws, alive: true, closed: new Promise<void>((r) => (markClosed = r)) };
    live.add(entry);
    const remote = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? 0}`;
    let closed = false;
    const conn = new WsConnection(remote, ws, req.socket, coalescer);
    const handler = handlers.accept(conn);
    const finish = () => {
      if (closed) return;
      closed = true;
      live.delete(entry);
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

  const pinger = setInterval(() => {
    for (const e of live) {
      if (!e.alive) {
        e.ws.close(CloseCode.idleTimeout, 'idle');
        setTimeout(() => e.ws.terminate(), 1000).unref();
        continue;
      }
      e.alive = false;
      try {
        e.ws.ping();
      } catch {
        e.ws.terminate();
      }
    }
  }, options.keepAliveMs);
  pinger.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (e) => logger.error({ err: e }, 'http server error'));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : options.port;

  return {
    port,
    stopAccepting() {
      server.close();
    },
    async close() {
      clearInterval(pinger);
      server.close();
      // Give closing sockets a moment to finish their close handshake, then cut the rest.
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.all([...live].map((e) => e.closed)),
        new Promise((r) => {
          timer = setTimeout(r, 1000);
        }),
      ]);
      clearTimeout(timer);
      for (const e of live) e.ws.terminate();
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
