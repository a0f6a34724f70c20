/** Turning `ws` message data into bytes. */
import type WebSocket from 'ws';

/** The bytes of a `ws` message, without copying when possible. */
export function toBytes(data: WebSocket.RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
