/**
 * A client connection in virtual time: the frames of one write window leave as one write of
 * whole binary frames, queued frames leave before the close frame, frames left when the socket
 * stopped being open are dropped, and a peer that never answers the close handshake has its
 * socket terminated after the grace period.
 */
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { ManualScheduler } from '../../src/time/scheduler.js';
import { WriteCoalescer } from '../../src/transport/write-coalescer.js';
import { WsConnection } from '../../src/transport/ws-connection.js';

/** The part of a `ws` socket (and of its TCP socket) a connection touches, recording what it did. */
class FakeWs {
  readonly OPEN = 1;
  readonly CONNECTING = 0;
  readyState = 1;
  bufferedAmount = 0;
  readonly log: string[] = [];
  readonly written: Buffer[] = [];
  destroyed = false;
  send(): void {
    this.log.push('send');
  }
  write(chunk: Buffer): boolean {
    this.log.push(`write ${chunk.length}`);
    this.written.push(Buffer.from(chunk));
    return true;
  }
  close(code: number): void {
    this.log.push(`close ${code}`);
    this.readyState = 2;
  }
  terminate(): void {
    this.log.push('terminate');
  }
  cork(): void {
    this.log.push('cork');
  }
  uncork(): void {
    this.log.push('uncork');
  }
}

function connection() {
  const clock = new ManualScheduler();
  const ws = new FakeWs();
  const conn = new WsConnection(
    '127.0.0.1:1',
    '127.0.0.1',
    ws as unknown as WebSocket,
    ws as unknown as Socket,
    new WriteCoalescer({ intervalMs: 5, scheduler: clock }),
    clock,
    () => true,
  );
  return { clock, ws, conn };
}

/** Parse `bytes` as server frames (unmasked): each frame's FIN+opcode byte and payload. */
function parseFrames(bytes: Buffer): { head: number; payload: Buffer }[] {
  const out: { head: number; payload: Buffer }[] = [];
  let at = 0;
  while (at < bytes.length) {
    const head = bytes.readUInt8(at);
    const b1 = bytes.readUInt8(at + 1);
    expect(b1 & 0x80).toBe(0); // a server never masks
    let n = b1 & 0x7f;
    at += 2;
    if (n === 126) {
      n = bytes.readUInt16BE(at);
      at += 2;
    } else if (n === 127) {
      n = Number(bytes.readBigUInt64BE(at));
      at += 8;
    }
    out.push({ head, payload: bytes.subarray(at, at + n) });
    at += n;
  }
  expect(at).toBe(bytes.length);
  return out;
}

describe('WsConnection.send', () => {
  it('writes the frames of one window once, as whole binary frames of every length class', () => {
    const { clock, ws, conn } = connection();
    const sizes = [0, 1, 125, 126, 65535, 65536, 70000];
    const payloads = sizes.map((n, i) => Buffer.alloc(n, i + 1));
    for (const p of payloads) conn.send(new Uint8Array(p.buffer, p.byteOffset, p.length));
    expect(ws.written).toHaveLength(0);
    const framed = 7 * 2 + 2 * 2 + 2 * 8 + sizes.reduce((a, b) => a + b, 0);
    expect(conn.bufferedAmount).toBe(framed);
    clock.advance(5);
    expect(ws.written).toHaveLength(1);
    const frames = parseFrames(ws.written[0] as Buffer);
    expect(frames.map((f) => f.head)).toEqual(sizes.map(() => 0x82));
    expect(frames.map((f) => f.payload.length)).toEqual(sizes);
    expect(frames.every((f, i) => f.payload.equals(payloads[i] as Buffer))).toBe(true);
    expect(conn.bufferedAmount).toBe(0);
    conn.send(new Uint8Array([9]));
    clock.advance(5);
    expect(ws.written.map((w) => [...w])).toEqual([[...(ws.written[0] as Buffer)], [0x82, 1, 9]]);
  });

  it('drops what is gathered once the socket is no longer open', () => {
    const { clock, ws, conn } = connection();
    conn.send(new Uint8Array([1]));
    ws.readyState = 2; // the peer's close frame arrived
    clock.advance(5);
    conn.send(new Uint8Array([2]));
    clock.advance(5);
    expect(ws.written).toEqual([]);
    expect(conn.bufferedAmount).toBe(0);
  });
});

describe('WsConnection.close', () => {
  it('sends what is queued before the close frame, and terminates a silent peer 2 s later', () => {
    const { clock, ws, conn } = connection();
    conn.send(new Uint8Array([1]));
    conn.close(4000, 'bye');
    expect(ws.log).toEqual(['write 3', 'close 4000']);
    clock.advance(1999);
    expect(ws.log).not.toContain('terminate');
    clock.advance(1);
    expect(ws.log.at(-1)).toBe('terminate');
    expect(ws.written).toHaveLength(1);
  });

  it('does nothing for a socket already closing', () => {
    const { clock, ws, conn } = connection();
    ws.readyState = 2;
    conn.close(4000, 'bye');
    clock.advance(10_000);
    expect(ws.log).toEqual([]);
  });
});
