/**
 * A minimal WebSocket client over a plain TCP socket, for the admission bench: thousands of these
 * cost the bench little (no per-frame parsing beyond the header, no message events), so what is
 * measured is the relay. It can bind a source address (`127.0.0.2`…: Linux routes all of 127/8
 * to loopback) to act as many hosts, send masked binary frames, answer pings, and count what it
 * receives without decoding it.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** A raw WebSocket connection (or a refused attempt). */
export class RawWs {
  /** HTTP status of the upgrade answer (101 when upgraded), 0 while pending or when it failed. */
  status = 0;
  /** The close code the relay sent, if any. */
  closeCode: number | null = null;
  /** Data frames and their payload bytes received since the upgrade. */
  frames = 0;
  bytes = 0;
  /** Resolves with {@link status} once the upgrade is answered (or the socket failed). */
  readonly upgraded: Promise<number>;
  /** Resolves once the socket is closed. */
  readonly closed: Promise<void>;
  /** The TCP socket. */
  readonly socket: Socket;
  private readonly answer: (status: number) => void;
  private buf: Buffer = Buffer.alloc(0);

  /** Connect to `ws://host:port/` from `localAddress` and send the upgrade request. */
  constructor(
    readonly port: number,
    readonly localAddress = '127.0.0.1',
    readonly host = '127.0.0.1',
  ) {
    const socket = connect({ host, port, localAddress });
    this.socket = socket;
    socket.setNoDelay(true);
    let answer: (status: number) => void = () => {};
    this.upgraded = new Promise((r) => {
      answer = r;
    });
    this.answer = answer;
    this.closed = new Promise((r) => socket.once('close', () => r()));
    socket.on('error', () => {});
    socket.once('close', () => this.answer(this.status));
    socket.on('connect', () => {
      socket.write(
        `GET / HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  /** Whether the socket is still open. */
  get open(): boolean {
    return !this.socket.destroyed;
  }

  /** Send one masked binary frame (clients must mask). */
  send(payload: Uint8Array): void {
    if (!this.open) return;
    this.socket.write(frame(0x2, payload));
  }

  /** Drop the connection at once. */
  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    if (this.status === 0) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      this.status = Number(/^HTTP\/1\.1 (\d{3})/.exec(this.buf.toString('latin1', 0, 12))?.[1] ?? 0);
      this.buf = this.buf.subarray(end + 4);
      this.answer(this.status);
      if (this.status !== 101) {
        this.socket.destroy();
        return;
      }
    }
    // Server frames are unmasked: [fin/opcode][length: 7 bits, 126 → 16-bit, 127 → 64-bit][payload].
    for (let guard = 0; guard < 100_000; guard++) {
      const b = this.buf;
      if (b.length < 2) return;
      const len7 = (b[1] as number) & 0x7f;
      const head = len7 === 126 ? 4 : len7 === 127 ? 10 : 2;
      if (b.length < head) return;
      const len = len7 === 126 ? b.readUInt16BE(2) : len7 === 127 ? Number(b.readBigUInt64BE(2)) : len7;
      if (b.length < head + len) return;
      const opcode = (b[0] as number) & 0x0f;
      if (opcode === 0x8) {
        this.closeCode = len >= 2 ? b.readUInt16BE(head) : 1005;
        this.socket.destroy();
        return;
      }
      if (opcode === 0x9) this.socket.write(frame(0xa, b.subarray(head, head + len)));
      else if (opcode !== 0xa) {
        this.frames++;
        this.bytes += len;
      }
      this.buf = b.subarray(head + len);
    }
  }
}

/** A masked client frame with `opcode` and `payload`. */
function frame(opcode: number, payload: Uint8Array): Buffer {
  const n = payload.length;
  const head = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const out = Buffer.allocUnsafe(head + 4 + n);
  out[0] = 0x80 | opcode;
  if (n < 126) out[1] = 0x80 | n;
  else if (n < 65536) {
    out[1] = 0x80 | 126;
    out.writeUInt16BE(n, 2);
  } else {
    out[1] = 0x80 | 127;
    out.writeBigUInt64BE(BigInt(n), 2);
  }
  const mask = randomBytes(4);
  mask.copy(out, head);
  for (let i = 0; i < n; i++) out[head + 4 + i] = (payload[i] as number) ^ (mask[i & 3] as number);
  return out;
}

/** The source address of attacker `index` when each address holds `perAddress` (127.0.0.2 onwards). */
export function attackerAddress(index: number, perAddress: number): string {
  const n = 2 + Math.floor(index / perAddress);
  return `127.${(n >> 16) & 0xff}.${(n >> 8) & 0xff}.${n & 0xff}`;
}
