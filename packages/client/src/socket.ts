/**
 * The slice of the WebSocket API the provider uses, satisfied by the browser's native
 * `WebSocket` and by the `ws` package in Node. No Node import here: the browser bundle never
 * pulls in `ws`; Node callers pass it in as the `WebSocket` option.
 */

/** A handler type that accepts both the DOM's and `ws`'s event signatures (bivariant parameter). */
/** An event handler property of {@link WebSocketLike} (bivariant, as the DOM's are). */
export type SocketHandler<E> = { bivarianceHack(event: E): void }['bivarianceHack'];

/** A message event: `data` is an `ArrayBuffer` for binary frames once `binaryType` is `'arraybuffer'`. */
export interface SocketMessageEvent {
  /** The payload. */
  readonly data: unknown;
}

/** A close event: the close code and reason the peer (or the platform) reported. */
export interface SocketCloseEvent {
  /** The close code. */
  readonly code: number;
  /** The close reason. */
  readonly reason: string;
}

/** One WebSocket connection, as the provider sees it. */
export interface WebSocketLike {
  /** Set to `'arraybuffer'` by the provider before any message arrives. */
  binaryType: string;
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  /** Called once the connection is open. */
  onopen: SocketHandler<unknown> | null;
  /** Called for every frame. */
  onmessage: SocketHandler<SocketMessageEvent> | null;
  /** Called once when the connection ends. */
  onclose: SocketHandler<SocketCloseEvent> | null;
  /** Called on errors (a close follows). */
  onerror: SocketHandler<unknown> | null;
  /** Send one binary frame. */
  send(data: Uint8Array): void;
  /** Start the closing handshake. */
  close(code?: number, reason?: string): void;
}

/** A WebSocket class: the global `WebSocket` in browsers, `WebSocket` from `ws` in Node. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** `WebSocket.OPEN`. */
export const SOCKET_OPEN = 1;

/**
 * The WebSocket class to use: the one passed in, else the global one (browsers, Node 22+).
 * `ws` is an optional peer dependency of `@accord/client`: only Node before 22 needs it.
 * @throws TypeError when neither exists (Node 20/21 with no `WebSocket` option); the message says
 * how to fix it.
 */
export function resolveWebSocket(given: WebSocketConstructor | undefined): WebSocketConstructor {
  if (given !== undefined) return given;
  const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (global === undefined) {
    throw new TypeError(
      "no WebSocket class: this runtime has no global WebSocket (Node before 22); run `npm install ws` and pass { WebSocket } from 'ws' as the WebSocket option",
    );
  }
  return global;
}

/** The bytes of a binary message event, or `undefined` for text frames and unknown payloads. */
export function messageBytes(data: unknown): Uint8Array | undefined {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (data instanceof Uint8Array) return data;
  return undefined;
}

/** In a browser, call `fn` when the network comes back (`online` event); elsewhere a no-op. */
export function onBrowserOnline(fn: () => void): () => void {
  const target = globalThis as {
    addEventListener?: (type: string, listener: () => void) => void;
    removeEventListener?: (type: string, listener: () => void) => void;
  };
  if (typeof target.addEventListener !== 'function' || typeof target.removeEventListener !== 'function') {
    return () => {};
  }
  const listener = (): void => fn();
  target.addEventListener('online', listener);
  return () => target.removeEventListener?.('online', listener);
}
