/**
 * A minimal raw WebSocket client of the Accord relay for the fuzzer: connects, says hello,
 * waits for `sync`, and exposes the frames it receives. Honest clients wrap a full replica;
 * the attacker only sends bytes.
 */
import WebSocket from 'ws';
import type { FullReplica, Incoming, LoadProtocol } from '../../relay/protocols/types.js';

/** A connected client. */
export class RawRelayClient {
  private readonly ws: WebSocket;
  private readonly waiters = new Set<(msg: Incoming | null) => void>();
  /** Set once the server closed the connection (or it failed). */
  closed = false;
  /** The close code the server sent, if any. */
  closeCode = 0;

  private constructor(
    ws: WebSocket,
    readonly protocol: LoadProtocol,
    readonly replica: FullReplica | null,
  ) {
    this.ws = ws;
    ws.on('message', (data: Buffer) => {
      const msg = protocol.parse(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      if (replica !== null) {
        if (msg.kind === 'update') replica.applyRemote(msg.payload);
        if (msg.kind === 'ready' && msg.state !== undefined) replica.applyRemote(msg.state);
      }
      for (const w of [...this.waiters]) w(msg);
    });
    ws.on('close', (code) => {
      this.closed = true;
      this.closeCode = code;
      for (const w of [...this.waiters]) w(null);
    });
    ws.on('error', () => {
      this.closed = true;
    });
  }

  /**
   * Connects to `url`, sends the handshake for `docId` and waits for the server's sync.
   * @throws Error when the handshake does not complete within `timeoutMs`.
   */
  static async connect(
    url: string,
    protocol: LoadProtocol,
    docId: string,
    replica: FullReplica | null,
    timeoutMs = 5000,
  ): Promise<RawRelayClient> {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.binaryType = 'nodebuffer';
    const client = new RawRelayClient(ws, protocol, replica);
    const ready = client.next((m) => m?.kind === 'ready' || m === null, timeoutMs);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    for (const f of protocol.openFrames(docId)) ws.send(f);
    const msg = await ready;
    if (msg?.kind !== 'ready') {
      ws.terminate();
      throw new Error(`handshake with ${url} failed`);
    }
    return client;
  }

  /** Resolves with the first message matching `pred` (null: closed or timed out). */
  next(pred: (msg: Incoming | null) => boolean, timeoutMs: number): Promise<Incoming | null> {
    return new Promise((resolve) => {
      const done = (msg: Incoming | null) => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(msg);
      };
      const waiter = (msg: Incoming | null) => {
        if (pred(msg)) done(msg);
      };
      const timer = setTimeout(() => done(null), timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Sends raw bytes (ignored once closed). */
  send(bytes: Uint8Array): void {
    if (!this.closed && this.ws.readyState === WebSocket.OPEN) this.ws.send(bytes);
  }

  /** Drops the connection. */
  close(): void {
    this.closed = true;
    this.ws.terminate();
  }
}
