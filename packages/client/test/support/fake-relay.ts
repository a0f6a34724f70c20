import {
  type ClientMessage,
  type ClusterMessage,
  decodeClientMessage,
  encodeMessage,
  type PresenceEntry,
  type ServerMessage,
} from '@accord/core/protocol';
import { decodeOps, encodeOps } from './fake-doc.js';
import type { FakeSocket } from './fake-socket.js';

/**
 * A scripted relay node over a FakeSocket, speaking the real protocol codec. It stores ops from
 * updates and, unless `holdAcks` is set, acknowledges each at once. Tests reach into it to
 * withhold acks, push frames or kill it.
 */
export class FakeRelay {
  readonly ops = new Set<number>();
  readonly received: ClientMessage[] = [];
  holdAcks = false;
  readonly heldAcks: number[] = [];
  scope: 'read' | 'write' = 'write';
  sessionId = 100;
  presenceTtlMs = 30_000;
  /** What `welcome` says of the join's read quorum. */
  readQuorum = true;
  cluster: Omit<ClusterMessage, 'type'>;
  /** When set, `hello` is refused with this close code. */
  refuseWith: number | undefined;

  constructor(readonly nodeId: number) {
    this.cluster = { nodeId, leaderId: nodeId, term: 1, successors: [], snapshotTerm: 0, snapshotSeq: 0 };
  }

  /** Serve a client socket: open it and answer its frames. */
  serve(socket: FakeSocket): void {
    const originalSend = socket.send.bind(socket);
    socket.send = (data: Uint8Array) => {
      originalSend(data);
      this.onFrame(socket, data);
    };
    socket.serverOpen();
  }

  send(socket: FakeSocket, message: ServerMessage): void {
    socket.serverSend(encodeMessage(message));
  }

  releaseAcks(socket: FakeSocket): void {
    for (const id of this.heldAcks.splice(0)) this.send(socket, { type: 'ack', id });
  }

  private onFrame(socket: FakeSocket, data: Uint8Array): void {
    const message = decodeClientMessage(data);
    this.received.push(message);
    switch (message.type) {
      case 'hello': {
        if (this.refuseWith !== undefined) {
          socket.serverClose(this.refuseWith, 'refused');
          return;
        }
        const theirs = new Set(decodeOps(message.stateVector));
        this.send(socket, {
          type: 'welcome',
          sessionId: this.sessionId,
          scope: this.scope,
          nodeId: this.nodeId,
          presenceTtlMs: this.presenceTtlMs,
          readQuorum: this.readQuorum,
        });
        this.send(socket, {
          type: 'sync',
          update: encodeOps([...this.ops].filter((op) => !theirs.has(op))),
          stateVector: encodeOps(this.ops),
        });
        this.send(socket, { type: 'cluster', ...this.cluster });
        return;
      }
      case 'update':
        if (this.scope === 'read') {
          this.send(socket, { type: 'error', code: 'read-only', message: 'read only', id: message.id });
          return;
        }
        for (const op of decodeOps(message.update)) this.ops.add(op);
        if (this.holdAcks) this.heldAcks.push(message.id);
        else this.send(socket, { type: 'ack', id: message.id });
        return;
      case 'ping':
        this.send(socket, { type: 'pong', nonce: message.nonce });
        return;
      default:
        return;
    }
  }

  /** Presence entries as the relay would broadcast them. */
  presence(socket: FakeSocket, entries: PresenceEntry[]): void {
    this.send(socket, { type: 'presence-update', entries });
  }
}
