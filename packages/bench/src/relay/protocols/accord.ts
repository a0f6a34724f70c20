/**
 * The Accord relay protocol (`@accord/core` protocol codec, see `docs/protocol.md`): `hello`
 * with an empty state vector, `sync` as the handshake's end, `update { id }` acknowledged by
 * `ack { id }` once durable. Relayed updates carry the sender's bytes unchanged, so they are
 * keyed by a 53-bit hash of those bytes.
 */
import {
  DecodeError,
  decodeServerMessage,
  decodeUpdate,
  encodeMessage,
  type WriteConcern,
} from '@accord/core/protocol';
import type { AccordCoreApi } from '../../accord/core-api.js';
import { createRng } from '../../util/prng.js';
import type { FullReplica, Incoming, LightUpdate, LoadProtocol } from './types.js';

/** A 53-bit hash of `bytes` (two FNV-1a variants), collision-free in practice for a bench run. */
export function bytesKey(bytes: Uint8Array): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ bytes.length;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    h1 = Math.imul(h1 ^ b, 0x01000193);
    h2 = Math.imul(h2 ^ b, 0x5bd1e995) ^ (h2 >>> 13);
  }
  return (h1 >>> 0) * 2 ** 21 + ((h2 >>> 0) & 0x1fffff);
}

/** Accord client ids of bench clients start here. */
const CLIENT_ID_BASE = 1_000_000;

/**
 * Builds the Accord load protocol on a loaded `@accord/core` document API; `w` is the write
 * concern every client asks for in its `hello` (default: the relay's own write quorum).
 */
export function accordProtocol(core: AccordCoreApi, w?: WriteConcern): LoadProtocol {
  const emptyStateVector = core.encodeStateVector(new core.Doc({ clientId: CLIENT_ID_BASE - 1 }));
  const stateVectorOf = (doc: InstanceType<AccordCoreApi['Doc']>) =>
    core.decodeStateVector(core.encodeStateVector(doc));
  return {
    lib: 'accord',
    ackById: true,

    openFrames: (docId) => [
      encodeMessage({
        type: 'hello',
        docId,
        token: '',
        stateVector: emptyStateVector,
        ...(w === undefined ? {} : { w }),
      }),
    ],

    updateFrame: (_docId, id, update) => encodeMessage({ type: 'update', id, update: update.payload }),

    parse(frame): Incoming {
      let msg: ReturnType<typeof decodeServerMessage>;
      try {
        msg = decodeServerMessage(frame);
      } catch (err) {
        if (err instanceof DecodeError) return { kind: 'error', id: 0, message: `bad frame: ${err.code}` };
        throw err;
      }
      switch (msg.type) {
        case 'sync':
          return { kind: 'ready', state: msg.update };
        case 'ack':
          return { kind: 'ack', id: msg.id, ok: true };
        case 'update':
          return { kind: 'update', key: bytesKey(msg.update), payload: msg.update };
        case 'error':
          return { kind: 'error', id: msg.id, message: `${msg.code}: ${msg.message}` };
        case 'pong':
          return { kind: 'pong', nonce: msg.nonce };
        default:
          return { kind: 'other' };
      }
    },

    unitsOf(payload) {
      try {
        return decodeUpdate(payload).records.map((r) => [r.client, r.clock, r.len] as const);
      } catch (err) {
        if (err instanceof DecodeError) return [];
        throw err;
      }
    },

    makeUpdates(client, count) {
      const clientId = CLIENT_ID_BASE + client;
      const doc = new core.Doc({ clientId });
      const text = doc.getText('text');
      const out: LightUpdate[] = [];
      // Each update types one character: the n-th holds the unit of clock n.
      doc.on('update', (payload) =>
        out.push({ key: bytesKey(payload), payload, unit: [clientId, out.length] }),
      );
      for (let i = 0; i < count; i++) doc.transact(() => text.insert(text.length, i % 8 === 7 ? ' ' : 'x'));
      return out;
    },

    createFullReplica(client, seed): FullReplica {
      const clientId = CLIENT_ID_BASE + client;
      const doc = new core.Doc({ clientId });
      const text = doc.getText('text');
      const rng = createRng(seed ^ client);
      let last: Uint8Array | null = null;
      doc.on('update', (u, origin) => {
        if (origin !== 'remote') last = u;
      });
      return {
        edit() {
          last = null;
          doc.transact(() => {
            const len = text.length;
            if (len > 20 && rng.next() < 0.2) text.delete(rng.int(len), 1);
            text.insert(rng.int(text.length + 1), 'x');
          });
          const payload = last as Uint8Array | null;
          if (payload === null) throw new Error('edit produced no update');
          const upTo = stateVectorOf(doc).get(clientId) ?? 0;
          // One character inserted per edit: its unit is the last clock.
          return {
            key: bytesKey(payload),
            payload,
            unit: [clientId, upTo - 1],
            mark: { replica: clientId, upTo },
          };
        },
        applyRemote(update) {
          core.applyUpdate(doc, update, 'remote');
        },
        digest: () => text.toString(),
        contains: (mark) => (stateVectorOf(doc).get(mark.replica) ?? 0) >= mark.upTo,
      };
    },
  };
}
