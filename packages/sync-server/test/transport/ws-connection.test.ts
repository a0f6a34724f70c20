/**
 * A closing connection in virtual time: its queued frames leave with the close frame, and a peer
 * that never answers the close handshake has its socket terminated after the grace period.
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
  send(): void {
    this.log.push('send');
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

describe('WsConnection.close', () => {
  it('sends what is queued with the close frame, and terminates a silent peer 2 s later', () => {
    const { clock, ws, conn } = connection();
    conn.send(new Uint8Array([1]));
    conn.close(4000, 'bye');
    expect(ws.log).toEqual(['cork', 'send', 'close 4000', 'uncork']);
    clock.advance(1999);
    expect(ws.log).not.toContain('terminate');
    clock.advance(1);
    expect(ws.log.at(-1)).toBe('terminate');
  });

  it('does nothing for a socket already closing', () => {
    const { clock, ws, conn } = connection();
    ws.readyState = 2;
    conn.close(4000, 'bye');
    clock.advance(10_000);
    expect(ws.log).toEqual([]);
  });
});
