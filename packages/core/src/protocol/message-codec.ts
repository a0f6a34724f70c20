/**
 * Encode and decode protocol messages. Frame: `[version u8][type u8][fields…]`, fields in the
 * order of the message interfaces, integers as varints, strings and byte arrays length-prefixed.
 * Decoding is bounded (every length is checked against the bytes left, strings against fixed
 * limits) and throws only {@link DecodeError}; decoded byte fields are copies, never views.
 */

import { type Decoder, decodeWith } from '../encoding/decoder.js';
import { Encoder, putVarUint } from '../encoding/encoder.js';
import { varUintSize } from '../encoding/sizes.js';
import { DecodeError } from '../errors.js';
import { readCas, readCasResult, writeCas, writeCasResult } from './cas-codec.js';
import { describeDocIdProblem, docIdProblem, MAX_DOC_ID_BYTES } from './doc-id.js';
import { errorCodeFromWire, errorCodeToWire } from './error-codes.js';
import {
  type ClientMessage,
  type Message,
  type MessageType,
  PROTOCOL_VERSION,
  type PresenceEntry,
  type ServerMessage,
  type VersionInfo,
  type WriteConcern,
} from './messages.js';
import { readPresenceState, writePresenceState } from './presence-state.js';

export { MAX_DOC_ID_BYTES } from './doc-id.js';
/** Longest token accepted, in UTF-8 bytes. */
export const MAX_TOKEN_BYTES = 8192;
/** Longest error message accepted, in UTF-8 bytes. */
export const MAX_ERROR_MESSAGE_BYTES = 1024;
/** Most successors accepted in a `cluster` message. */
export const MAX_SUCCESSORS = 1024;

/** Wire numbers of the message types. Part of the protocol: append, never renumber. */
export const MessageTypeCode: { readonly [K in MessageType]: number } = {
  hello: 1,
  welcome: 2,
  sync: 3,
  resync: 4,
  update: 5,
  ack: 6,
  presence: 7,
  'presence-update': 8,
  cluster: 9,
  error: 10,
  ping: 11,
  pong: 12,
  'list-versions': 13,
  versions: 14,
  'get-version': 15,
  version: 16,
  cas: 17,
  'cas-result': 18,
};

/** Most versions accepted in one `versions` message. */
export const MAX_VERSIONS = 100_000;

const CLIENT_TYPES = new Set<MessageType>([
  'hello',
  'resync',
  'update',
  'presence',
  'error',
  'ping',
  'pong',
  'list-versions',
  'get-version',
  'cas',
]);
const SERVER_TYPES = new Set<MessageType>([
  'welcome',
  'sync',
  'update',
  'ack',
  'presence-update',
  'cluster',
  'error',
  'ping',
  'pong',
  'versions',
  'version',
  'cas-result',
]);

/**
 * Encode one message into a frame; never throws for valid messages.
 * @throws `RangeError` when a field is out of range (negative or unsafe integers, a `hello`
 * whose document id holds a lone surrogate, which UTF-8 cannot carry).
 * @throws {AccordError} `invalid-argument` for a presence value the format cannot hold (see
 * `writePresenceValue`).
 */
export function encodeMessage(msg: Message): Uint8Array {
  // The hot frames (one per update, one per ack) are written straight into an exact-size array.
  if (msg.type === 'update') return encodeIdFrame(MessageTypeCode.update, msg.id, msg.update);
  if (msg.type === 'ack') return encodeIdFrame(MessageTypeCode.ack, msg.id, null);
  const size = 'update' in msg ? msg.update.length + 16 : 64;
  const enc = new Encoder(size);
  enc.writeU8(PROTOCOL_VERSION);
  enc.writeU8(MessageTypeCode[msg.type]);
  switch (msg.type) {
    case 'hello':
      // Written as is, a lone surrogate would reach the relay as U+FFFD: another document's id.
      if (docIdProblem(msg.docId) === 'lone-surrogate')
        throw new RangeError(describeDocIdProblem('lone-surrogate'));
      enc.writeString(msg.docId);
      enc.writeString(msg.token);
      enc.writeBytes(msg.stateVector);
      enc.writeU8(writeConcernToWire(msg.w));
      if (msg.session === undefined) enc.writeU8(0);
      else {
        enc.writeU8(1);
        enc.writeBytes(msg.session);
      }
      break;
    case 'welcome':
      enc.writeVarUint(msg.sessionId);
      enc.writeU8(msg.scope === 'write' ? 1 : 0);
      enc.writeVarUint(msg.nodeId);
      enc.writeVarUint(msg.presenceTtlMs);
      enc.writeU8(msg.readQuorum ? 1 : 0);
      enc.writeU8(msg.session === undefined ? 0 : msg.session === 'covered' ? 1 : 2);
      break;
    case 'sync':
      enc.writeBytes(msg.update);
      enc.writeBytes(msg.stateVector);
      break;
    case 'resync':
      enc.writeBytes(msg.stateVector);
      break;
    case 'presence':
      writePresenceState(enc, msg.state);
      break;
    case 'presence-update':
      enc.writeVarUint(msg.entries.length);
      for (const e of msg.entries) {
        enc.writeVarUint(e.sessionId);
        writePresenceState(enc, e.state);
      }
      break;
    case 'cluster':
      enc.writeVarUint(msg.nodeId);
      enc.writeVarUint(msg.leaderId === null ? 0 : msg.leaderId + 1);
      enc.writeVarUint(msg.term);
      enc.writeVarUint(msg.successors.length);
      for (const s of msg.successors) enc.writeVarUint(s);
      enc.writeVarUint(msg.snapshotTerm);
      enc.writeVarUint(msg.snapshotSeq);
      break;
    case 'error':
      enc.writeVarUint(errorCodeToWire(msg.code));
      enc.writeString(msg.message);
      enc.writeVarUint(msg.id);
      break;
    case 'ping':
    case 'pong':
      enc.writeVarUint(msg.nonce);
      break;
    case 'list-versions':
      enc.writeVarUint(msg.id);
      break;
    case 'versions':
      enc.writeVarUint(msg.id);
      enc.writeVarUint(msg.versions.length);
      for (const v of msg.versions) {
        enc.writeVarUint(v.term);
        enc.writeVarUint(v.seq);
        enc.writeVarUint(v.at);
        enc.writeVarUint(v.size);
        enc.writeBytes(v.stateVector);
      }
      break;
    case 'get-version':
      enc.writeVarUint(msg.id);
      enc.writeVarUint(msg.term);
      enc.writeVarUint(msg.seq);
      break;
    case 'version':
      enc.writeVarUint(msg.id);
      enc.writeVarUint(msg.term);
      enc.writeVarUint(msg.seq);
      enc.writeU8(msg.found ? 1 : 0);
      enc.writeVarUint(msg.at);
      enc.writeBytes(msg.update);
      break;
    case 'cas':
      writeCas(enc, msg);
      break;
    case 'cas-result':
      writeCasResult(enc, msg);
      break;
  }
  return enc.toBytes();
}

/** `[version][type][id varint]` and, when `payload` is given, `[length varint][payload]`. */
function encodeIdFrame(type: number, id: number, payload: Uint8Array | null): Uint8Array {
  if (!Number.isSafeInteger(id) || id < 0)
    throw new RangeError(`message id ${id} is not a non-negative safe integer`);
  const n = payload === null ? 0 : payload.length;
  const size = 2 + varUintSize(id) + (payload === null ? 0 : varUintSize(n) + n);
  const out = new Uint8Array(size);
  out[0] = PROTOCOL_VERSION;
  out[1] = type;
  let pos = putVarUint(out, 2, id);
  if (payload !== null) {
    pos = putVarUint(out, pos, n);
    out.set(payload, pos);
  }
  return out;
}

/**
 * Decode one frame into a message of any type. Throws {@link DecodeError}: `bad-version` for
 * another protocol version, `bad-tag` for an unknown type, `truncated`/`trailing-bytes`/
 * `bad-utf8`/`too-large`/`overflow` for malformed fields. Nothing else is ever thrown.
 */
export function decodeMessage(bytes: Uint8Array): Message {
  return decodeWith(bytes, readMessage);
}

/** Decode a frame a client sent; a relay-only type is `bad-tag`. Throws only {@link DecodeError}. */
export function decodeClientMessage(bytes: Uint8Array): ClientMessage {
  const msg = decodeMessage(bytes);
  if (!CLIENT_TYPES.has(msg.type)) throw new DecodeError('bad-tag', `${msg.type} is not a client message`);
  return msg as ClientMessage;
}

/** Decode a frame a relay sent; a client-only type is `bad-tag`. Throws only {@link DecodeError}. */
export function decodeServerMessage(bytes: Uint8Array): ServerMessage {
  const msg = decodeMessage(bytes);
  if (!SERVER_TYPES.has(msg.type)) throw new DecodeError('bad-tag', `${msg.type} is not a relay message`);
  return msg as ServerMessage;
}

function readMessage(d: Decoder): Message {
  const version = d.readU8();
  if (version !== PROTOCOL_VERSION) {
    throw new DecodeError('bad-version', `protocol version ${version} is not supported`);
  }
  const tag = d.readU8();
  switch (tag) {
    case 1: {
      const docId = readDocId(d);
      const token = d.readBoundedString(MAX_TOKEN_BYTES, 'token');
      const stateVector = d.readBytes().slice();
      const w = writeConcernFromWire(d.readU8());
      const hasSession = d.readU8();
      if (hasSession > 1) throw new DecodeError('bad-tag', `bad session flag ${hasSession}`);
      const session = hasSession === 1 ? d.readBytes().slice() : undefined;
      return {
        type: 'hello',
        docId,
        token,
        stateVector,
        ...(w === undefined ? {} : { w }),
        ...(session === undefined ? {} : { session }),
      };
    }
    case 2: {
      const sessionId = d.readVarUint();
      const scopeByte = d.readU8();
      if (scopeByte > 1) throw new DecodeError('bad-tag', `unknown scope ${scopeByte}`);
      const nodeId = d.readVarUint();
      const presenceTtlMs = d.readVarUint();
      const quorumByte = d.readU8();
      if (quorumByte > 1) throw new DecodeError('bad-tag', `bad readQuorum flag ${quorumByte}`);
      const sessionByte = d.readU8();
      if (sessionByte > 2) throw new DecodeError('bad-tag', `bad session status ${sessionByte}`);
      return {
        type: 'welcome',
        sessionId,
        scope: scopeByte === 1 ? 'write' : 'read',
        nodeId,
        presenceTtlMs,
        readQuorum: quorumByte === 1,
        ...(sessionByte === 0 ? {} : { session: sessionByte === 1 ? 'covered' : 'behind' }),
      };
    }
    case 3:
      return { type: 'sync', update: d.readBytes().slice(), stateVector: d.readBytes().slice() };
    case 4:
      return { type: 'resync', stateVector: d.readBytes().slice() };
    case 5:
      return { type: 'update', id: d.readVarUint(), update: d.readBytes().slice() };
    case 6:
      return { type: 'ack', id: d.readVarUint() };
    case 7:
      return { type: 'presence', state: readPresenceState(d) };
    case 8: {
      const n = d.readCount(2);
      const entries: PresenceEntry[] = [];
      for (let i = 0; i < n; i++) entries.push({ sessionId: d.readVarUint(), state: readPresenceState(d) });
      return { type: 'presence-update', entries };
    }
    case 9: {
      const nodeId = d.readVarUint();
      const leader = d.readVarUint();
      const term = d.readVarUint();
      const n = d.readCount(1, MAX_SUCCESSORS);
      const successors: number[] = [];
      for (let i = 0; i < n; i++) successors.push(d.readVarUint());
      return {
        type: 'cluster',
        nodeId,
        leaderId: leader === 0 ? null : leader - 1,
        term,
        successors,
        snapshotTerm: d.readVarUint(),
        snapshotSeq: d.readVarUint(),
      };
    }
    case 10:
      return {
        type: 'error',
        code: errorCodeFromWire(d.readVarUint()),
        message: d.readBoundedString(MAX_ERROR_MESSAGE_BYTES, 'error message'),
        id: d.readVarUint(),
      };
    case 11:
      return { type: 'ping', nonce: d.readVarUint() };
    case 12:
      return { type: 'pong', nonce: d.readVarUint() };
    case 13:
      return { type: 'list-versions', id: d.readVarUint() };
    case 14: {
      const id = d.readVarUint();
      // Each entry takes at least five bytes (four varints and an empty length).
      const n = d.readCount(5, MAX_VERSIONS);
      const versions: VersionInfo[] = [];
      for (let i = 0; i < n; i++) {
        versions.push({
          term: d.readVarUint(),
          seq: d.readVarUint(),
          at: d.readVarUint(),
          size: d.readVarUint(),
          stateVector: d.readBytes().slice(),
        });
      }
      return { type: 'versions', id, versions };
    }
    case 15:
      return { type: 'get-version', id: d.readVarUint(), term: d.readVarUint(), seq: d.readVarUint() };
    case 16: {
      const id = d.readVarUint();
      const term = d.readVarUint();
      const seq = d.readVarUint();
      const flag = d.readU8();
      if (flag > 1) throw new DecodeError('bad-tag', `found flag ${flag}`);
      return {
        type: 'version',
        id,
        term,
        seq,
        found: flag === 1,
        at: d.readVarUint(),
        update: d.readBytes().slice(),
      };
    }
    case 17:
      return readCas(d);
    case 18:
      return readCasResult(d);
    default:
      throw new DecodeError('bad-tag', `unknown message type ${tag}`);
  }
}

/** `hello.w` on the wire: 0 the node's own, 1 one node, 2 a majority, 3 all. */
function writeConcernToWire(w: WriteConcern | undefined): number {
  return w === undefined ? 0 : w === 1 ? 1 : w === 'majority' ? 2 : 3;
}

function writeConcernFromWire(b: number): WriteConcern | undefined {
  switch (b) {
    case 0:
      return undefined;
    case 1:
      return 1;
    case 2:
      return 'majority';
    case 3:
      return 'all';
    default:
      throw new DecodeError('bad-tag', `unknown write concern ${b}`);
  }
}

function readDocId(d: Decoder): string {
  const id = d.readBoundedString(MAX_DOC_ID_BYTES, 'document id');
  // Fatal UTF-8 decoding never yields a lone surrogate; the check states the invariant.
  const problem = docIdProblem(id);
  if (problem !== null) throw new DecodeError('invalid', describeDocIdProblem(problem));
  return id;
}
