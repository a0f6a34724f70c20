/**
 * A bare WebSocket upgrade over a plain TCP socket: what an attacker holding slots does (upgrade,
 * then never say `hello`), far cheaper than a `ws` client, so a test can open thousands. Can bind
 * the source address (`127.0.0.2`…: Linux routes all of 127/8 to loopback) to act as many hosts.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** An upgraded (or refused) raw socket. */
export interface RawUpgrade {
  /** The HTTP status of the answer (101 when upgraded), or 0 when the connection failed. */
  readonly status: number;
  readonly socket: Socket;
  /** Resolves once the socket is closed; `closeCode` is the WebSocket close code the server sent, if any. */
  readonly closed: Promise<void>;
  closeCode(): number | null;
}

/** Upgrade a raw TCP connection to `ws://host:port/` from `localAddress`; never rejects. */
export function rawUpgrade(
  port: number,
  localAddress = '127.0.0.1',
  host = '127.0.0.1',
): Promise<RawUpgrade> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, localAddress });
    let status = 0;
    let code: number | null = null;
    let buf = Buffer.alloc(0);
    let settled = false;
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    const done = () => {
      if (settled) return;
      settled = true;
      resolve({ status, socket, closed, closeCode: () => code });
    };
    socket.on('error', () => {});
    socket.once('close', done);
    socket.on('connect', () => {
      socket.write(
        `GET / HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (status === 0) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        status = Number(/^HTTP\/1\.1 (\d{3})/.exec(buf.toString('latin1', 0, 12))?.[1] ?? 0);
        buf = buf.subarray(end + 4);
        done();
      }
      // Server frames are unmasked: [fin/opcode][length 7 bits (126: 16-bit, 127: 64-bit)][payload].
      for (;;) {
        if (buf.length < 2) return;
        const len7 = (buf[1] as number) & 0x7f;
        const head = len7 === 126 ? 4 : len7 === 127 ? 10 : 2;
        if (buf.length < head) return;
        const len = len7 === 126 ? buf.readUInt16BE(2) : len7 === 127 ? Number(buf.readBigUInt64BE(2)) : len7;
        if (buf.length < head + len) return;
        if (((buf[0] as number) & 0x0f) === 0x8) {
          code = len >= 2 ? buf.readUInt16BE(head) : 1005;
          socket.destroy(); // as a client would, without answering the close
          return;
        }
        buf = buf.subarray(head + len);
      }
    });
  });
}

/**
 * Open `count` raw upgrades spread over source addresses `127.0.0.<first>`… (`perAddress` each),
 * at most `concurrency` handshakes at a time. Resolves with every result.
 */
export async function rawUpgrades(
  port: number,
  count: number,
  opts: { perAddress: number; first?: number; concurrency?: number },
): Promise<RawUpgrade[]> {
  const out: RawUpgrade[] = [];
  const first = opts.first ?? 2;
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const addr = first + Math.floor(i / opts.perAddress);
      out[i] = await rawUpgrade(port, `127.0.${Math.floor(addr / 256)}.${addr % 256}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(count, opts.concurrency ?? 200) }, worker));
  return out;
}
