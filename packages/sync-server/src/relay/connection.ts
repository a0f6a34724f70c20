/**
 * The relay's view of one client connection, independent of the socket library: the transport
 * (`transport/`) adapts a `ws` socket to it, tests may adapt anything else.
 */

/** A client connection as the relay uses it. */
export interface Connection {
  /** Remote address for logs (e.g. `127.0.0.1:53122`). */
  readonly remote: string;
  /**
   * The key per-address limits count against (see `addressKey`: an IPv4 address, the /64 of an
   * IPv6 one). Absent: the connection is subject to no per-address limit.
   */
  readonly address?: string | undefined;
  /** Bytes queued but not yet written to the socket (for back-pressure). */
  readonly bufferedAmount: number;
  /** Send one binary frame. Never throws; frames sent after close are dropped. */
  send(frame: Uint8Array): void;
  /** Close with a code from `CloseCode` and a short reason (≤ 123 bytes). Idempotent. */
  close(code: number, reason: string): void;
  /**
   * The relay verified this connection's token: it leaves the budget of unauthenticated sockets
   * for the connection budget. `false` when the connection budget is full (the relay then closes
   * it with 4008). Absent: always admitted.
   */
  authenticated?(): boolean;
}

/** What the transport calls for each connection the relay accepted. */
export interface ConnectionHandler {
  /** A frame arrived. `binary` is false for text frames (a protocol violation). */
  onFrame(data: Uint8Array, binary: boolean): void;
  /** The connection closed (either side); called exactly once. */
  onClose(): void;
}
