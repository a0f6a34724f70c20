/**
 * A test client holding a real `@accord/core` document: joins a relay, applies what it receives,
 * sends every local transaction as an update with an id, remembers which ids were acknowledged,
 * and can reconnect (to another port) sending whatever the relay lacks.
 */
import { applyUpdate, Doc, encodeStateAsUpdate, encodeStateVector } from '@accord/core';
import type { WelcomeMessage, WriteConcern } from '@accord/core/protocol';
import { TestClient } from './protocol-client.js';

const REMOTE = Symbol('remote');

/** A document synced through a relay by the minimal protocol client. */
export class DocClient {
  readonly doc = new Doc();
  client: TestClient | null = null;
  /** Updates sent and not yet acknowledged, by id. */
  readonly pending = new Map<number, Uint8Array>();
  /** Ids acknowledged by the relay. */
  readonly acked = new Set<number>();
  /** The write concern asked for in `hello` (undefined: the node's own). */
  w: WriteConcern | undefined = undefined;
  /** The last connection's `welcome`, once it came. */
  welcome: WelcomeMessage | null = null;
  /** Called with the id of each acknowledged update. */
  onAck: (id: number) => void = () => {};
  private nextId = 1;
  private checks: (() => void)[] = [];

  constructor(
    readonly docId: string,
    private readonly token: string,
  ) {
    this.doc.on('update', (update, origin) => {
      if (origin === REMOTE) return;
      const id = this.nextId++;
      this.pending.set(id, update);
      if (this.client && this.client.closeCode === null) this.client.update(update, id);
    });
  }

  /** Connect (or reconnect) to `url`; resolves once synced and what the relay lacked was sent. */
  async connect(url: string): Promise<void> {
    const c = await TestClient.connect(url);
    this.client = c;
    this.welcome = null;
    c.on((m) => {
      if (m.type === 'welcome') this.welcome = m;
      else if (m.type === 'update' || m.type === 'sync') applyUpdate(this.doc, m.update, REMOTE);
      else if (m.type === 'ack') {
        this.pending.delete(m.id);
        this.acked.add(m.id);
        this.onAck(m.id);
      }
      for (const check of [...this.checks]) check();
    });
    const stateVector = encodeStateVector(this.doc);
    const w = this.w === undefined ? {} : { w: this.w };
    c.send({ type: 'hello', docId: this.docId, token: this.token, stateVector, ...w });
    const sync = await c.next('sync');
    // Resend what was never acknowledged (ids kept so acks match), plus anything else the relay lacks.
    for (const [id, u] of this.pending) c.update(u, id);
    const lacking = encodeStateAsUpdate(this.doc, sync.stateVector);
    c.update(lacking, this.nextId++);
  }

  /** Run a local edit (one transaction, one update). */
  edit(fn: (doc: Doc) => void): void {
    this.doc.transact(() => fn(this.doc));
  }

  /** Resolves when nothing is pending (waits on acknowledgements, not on time). */
  settled(timeoutMs = 10_000): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${this.pending.size} updates never acknowledged`)),
        timeoutMs,
      );
      const prev = this.onAck;
      this.onAck = (id) => {
        prev(id);
        if (this.pending.size === 0) {
          clearTimeout(timer);
          this.onAck = prev;
          resolve();
        }
      };
    });
  }

  /** Resolves once `pred()` holds, re-checked after every message this client receives. */
  until(pred: () => boolean, timeoutMs = 10_000): Promise<void> {
    if (pred()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!pred()) return;
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error('condition not reached in time'));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.checks = this.checks.filter((c) => c !== check);
      };
      this.checks.push(check);
    });
  }

  json(): unknown {
    return this.doc.toJSON();
  }
}
