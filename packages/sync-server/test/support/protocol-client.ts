/**
 * A minimal protocol client for tests, built on the core codec and `ws`: connect, hello, wait
 * for messages by type, send updates and wait for their acks. Not the provider; it does exactly
 * what a test tells it to.
 */
import { decodeServerMessage, encodeMessage, type Message, type ServerMessage } from '@accord/core/protocol';
import WebSocket from 'ws';

type Of<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

/** A connected test client. */
export class TestClient {
  readonly messages: ServerMessage[] = [];
  closeCode: number | null = null;
  /** Resolves when the socket closes, with the close code. */
  readonly closed: Promise<number>;
  private waiters: { pred: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] = [];
  private nextId = 1;
  private readonly listeners: ((m: ServerMessage) => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('error', () => {});
    ws.on('message', (data: Buffer) => {
      const m = decodeServerMessage(new Uint8Array(data));
      this.messages.push(m);
      for (const l of this.listeners) l(m);
      this.waiters = this.waiters.filter((w) => {
        if (!w.pred(m)) return true;
        w.resolve(m);
        return false;
      });
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code: number) => {
        this.closeCode = code;
        resolve(code);
      });
    });
  }

  /** Open a socket (optionally with an Origin header). Rejects if the upgrade is refused. */
  static async connect(
    url: string,
    headers: Record<string, string> = {},
    options: WebSocket.ClientOptions = {},
  ): Promise<TestClient> {
    const ws = new WebSocket(url, { headers, perMessageDeflate: false, ...options });
    const client = new TestClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
    return client;
  }

  /** Connect and complete the handshake; resolves after `sync`. */
  static async join(
    url: string,
    docId: string,
    token: string,
    stateVector: Uint8Array,
    options: WebSocket.ClientOptions = {},
  ): Promise<TestClient> {
    const c = await TestClient.connect(url, {}, options);
    c.send({ type: 'hello', docId, token, stateVector });
    await c.next('sync');
    return c;
  }

  /** Call `fn` for every message from now on. */
  on(fn: (m: ServerMessage) => void): void {
    this.listeners.push(fn);
  }

  send(msg: Message): void {
    this.ws.send(encodeMessage(msg));
  }

  sendRaw(bytes: Uint8Array | string): void {
    this.ws.send(bytes);
  }

  /** Send an update with a fresh id (or the given one); returns the id. */
  update(update: Uint8Array, id = this.nextId++): number {
    this.send({ type: 'update', id, update });
    return id;
  }

  /** The first message of `type` (already received or the next one), or reject after `timeoutMs`. */
  next<T extends ServerMessage['type']>(
    type: T,
    pred: (m: Of<T>) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<Of<T>> {
    const match = (m: ServerMessage): m is Of<T> => m.type === type && pred(m as Of<T>);
    const seen = this.messages.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${type}`)), timeoutMs);
      this.waiters.push({
        pred: match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as Of<T>);
        },
      });
    });
  }

  /** Wait for the ack of `id`. */
  ack(id: number, timeoutMs = 5000): Promise<Of<'ack'>> {
    return this.next('ack', (m) => m.id === id, timeoutMs);
  }

  /** Every message of `type` received so far. */
  all<T extends ServerMessage['type']>(type: T): Of<T>[] {
    return this.messages.filter((m): m is Of<T> => m.type === type);
  }

  close(): Promise<number> {
    this.ws.close();
    return this.closed;
  }
}
