/**
 * The Hocuspocus 3 protocol (Yjs sync over `[docName varString][type varUint]…` frames): auth
 * with an empty token, SyncStep1, updates as `Sync/Update`, acknowledged in order by
 * `SyncStatus` (sent once the server applied the update, not once it is stored).
 */
import * as Y from 'yjs';
import { createRng } from '../../util/prng.js';
import { ByteReader, ByteWriter } from '../varint.js';
import type { FullReplica, Incoming, LightUpdate, LoadProtocol } from './types.js';

const MSG_SYNC = 0;
const MSG_AUTH = 2;
const MSG_SYNC_REPLY = 4;
const MSG_SYNC_STATUS = 8;
const SYNC_STEP1 = 0;
const SYNC_STEP2 = 1;
const SYNC_UPDATE = 2;
const AUTH_TOKEN = 0;
const AUTH_PERMISSION_DENIED = 1;
const AUTH_AUTHENTICATED = 2;

/** A clock fits in 21 bits for any bench run (2 million updates per client). */
const CLOCK_BITS = 2 ** 21;

/**
 * The key of a Yjs (V1) update: the client id and clock of its first struct, read from the
 * header without decoding the update. Returns -1 for an update without structs.
 */
export function yjsUpdateKey(update: Uint8Array): number {
  const r = new ByteReader(update);
  const groups = r.varUint();
  if (groups === 0) return -1;
  r.varUint(); // structs in the first group
  const client = r.varUint();
  const clock = r.varUint();
  return client * CLOCK_BITS + clock;
}

/** Yjs client ids of light clients start here (any value below 2^32 works). */
const CLIENT_ID_BASE = 1_000_000;

/** The Hocuspocus load protocol. */
export const hocuspocusProtocol: LoadProtocol = {
  lib: 'hocuspocus',
  ackById: false,

  openFrames(docId) {
    const auth = new ByteWriter()
      .varString(docId)
      .varUint(MSG_AUTH)
      .varUint(AUTH_TOKEN)
      .varString('')
      .bytes();
    const sv = Y.encodeStateVector(new Y.Doc());
    const step1 = new ByteWriter()
      .varString(docId)
      .varUint(MSG_SYNC)
      .varUint(SYNC_STEP1)
      .varBytes(sv)
      .bytes();
    return [auth, step1];
  },

  updateFrame(docId, _id, update) {
    return new ByteWriter()
      .varString(docId)
      .varUint(MSG_SYNC)
      .varUint(SYNC_UPDATE)
      .varBytes(update.payload)
      .bytes();
  },

  parse(frame): Incoming {
    try {
      const r = new ByteReader(frame);
      r.varString();
      const type = r.varUint();
      if (type === MSG_SYNC_STATUS) return { kind: 'ack', id: 0, ok: r.varUint() === 1 };
      if (type === MSG_SYNC || type === MSG_SYNC_REPLY) {
        const sub = r.varUint();
        if (sub === SYNC_UPDATE) {
          const payload = r.varBytes();
          return { kind: 'update', key: yjsUpdateKey(payload), payload };
        }
        if (sub === SYNC_STEP2) return { kind: 'ready', state: r.varBytes() };
        return { kind: 'other' };
      }
      if (type === MSG_AUTH) {
        const sub = r.varUint();
        if (sub === AUTH_PERMISSION_DENIED) return { kind: 'error', id: 0, message: 'permission denied' };
        if (sub === AUTH_AUTHENTICATED) return { kind: 'other' };
      }
      return { kind: 'other' };
    } catch (err) {
      return { kind: 'error', id: 0, message: `unparsable frame: ${String(err)}` };
    }
  },

  makeUpdates(client, count) {
    const doc = new Y.Doc();
    doc.clientID = CLIENT_ID_BASE + client;
    const text = doc.getText('text');
    const out: LightUpdate[] = [];
    doc.on('update', (payload: Uint8Array) => {
      out.push({ key: yjsUpdateKey(payload), payload });
    });
    for (let i = 0; i < count; i++) text.insert(text.length, i % 8 === 7 ? ' ' : 'x');
    doc.destroy();
    return out;
  },

  createFullReplica(client, seed): FullReplica {
    const doc = new Y.Doc();
    doc.clientID = CLIENT_ID_BASE + client;
    const text = doc.getText('text');
    const rng = createRng(seed ^ client);
    let last: Uint8Array | null = null;
    doc.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin !== 'remote') last = u;
    });
    return {
      edit() {
        last = null;
        // One transaction that always inserts (so the update has a struct to key it by) and
        // sometimes also deletes a character, as a user typing and correcting does.
        doc.transact(() => {
          const len = text.length;
          if (len > 20 && rng.next() < 0.2) text.delete(rng.int(len), 1);
          text.insert(rng.int(text.length + 1), 'x');
        });
        const payload = last as Uint8Array | null;
        if (payload === null) throw new Error('edit produced no update');
        const sv = Y.decodeStateVector(Y.encodeStateVector(doc));
        return {
          key: yjsUpdateKey(payload),
          payload,
          mark: { replica: doc.clientID, upTo: sv.get(doc.clientID) ?? 0 },
        };
      },
      applyRemote(update) {
        Y.applyUpdate(doc, update, 'remote');
      },
      digest: () => text.toString(),
      contains(mark) {
        return (Y.decodeStateVector(Y.encodeStateVector(doc)).get(mark.replica) ?? 0) >= mark.upTo;
      },
    };
  },
};
