/**
 * The messages tabs of one browser exchange over a `BroadcastChannel` named after the document.
 * Binary, versioned, and decoded with core's bounded decoder: another tab may run other code (an
 * older build, an extension, a compromised script), so whatever arrives is untrusted.
 */
import {
  DecodeError,
  decodeWith,
  Encoder,
  type PresenceState,
  readPresenceState,
  writePresenceState,
} from '@accord/core/protocol';

/** First byte of every tab message. */
const MAGIC = 0xac;
/** Second byte: the format of what follows. */
export const TAB_PROTOCOL_VERSION = 1;
/** Most updates one `adopt` message may carry. */
export const MAX_ADOPTED = 10_000;

/** A tab announces itself with its state vector; the others answer with a `sync`. */
export interface TabHello {
  readonly type: 'hello';
  readonly from: number;
  readonly stateVector: Uint8Array;
}
/** An answer to `hello`, addressed to `to`: what it lacks, and the answerer's state vector. */
export interface TabSync {
  readonly type: 'sync';
  readonly from: number;
  readonly to: number;
  /** What `to` lacks (empty: nothing). */
  readonly update: Uint8Array;
  readonly stateVector: Uint8Array;
}
/** An update the sending tab's document saw. */
export interface TabUpdate {
  readonly type: 'update';
  readonly from: number;
  readonly update: Uint8Array;
}
/** The sending tab's presence (`null`: none) and its relay session id (0: not connected). */
export interface TabPresence {
  readonly type: 'presence';
  readonly from: number;
  readonly sessionId: number;
  readonly state: PresenceState | null;
}
/** The sending tab closes; `pending` are its updates no relay acknowledged yet (another tab sends them). */
export interface TabLeave {
  readonly type: 'leave';
  readonly from: number;
  readonly pending: readonly Uint8Array[];
}

/** Any message between tabs. */
export type TabMessage = TabHello | TabSync | TabUpdate | TabPresence | TabLeave;

const KIND = { hello: 1, sync: 2, update: 3, presence: 4, leave: 5 } as const;

/** Encode a tab message. */
export function encodeTabMessage(m: TabMessage): Uint8Array {
  const enc = new Encoder();
  enc.writeU8(MAGIC);
  enc.writeU8(TAB_PROTOCOL_VERSION);
  enc.writeU8(KIND[m.type]);
  enc.writeVarUint(m.from);
  switch (m.type) {
    case 'hello':
      enc.writeBytes(m.stateVector);
      break;
    case 'sync':
      enc.writeVarUint(m.to);
      enc.writeBytes(m.update);
      enc.writeBytes(m.stateVector);
      break;
    case 'update':
      enc.writeBytes(m.update);
      break;
    case 'presence':
      enc.writeVarUint(m.sessionId);
      writePresenceState(enc, m.state);
      break;
    case 'leave':
      enc.writeVarUint(m.pending.length);
      for (const u of m.pending) enc.writeBytes(u);
      break;
  }
  return enc.toBytes();
}

/**
 * Decode a tab message. Byte views returned point into `bytes`.
 * @throws {DecodeError} for anything that is not a well-formed message of this version.
 */
export function decodeTabMessage(bytes: unknown): TabMessage {
  if (!(bytes instanceof Uint8Array)) throw new DecodeError('invalid', 'tab message is not a Uint8Array');
  return decodeWith(bytes, (d): TabMessage => {
    if (d.readU8() !== MAGIC) throw new DecodeError('bad-tag', 'not an Accord tab message');
    const version = d.readU8();
    if (version !== TAB_PROTOCOL_VERSION)
      throw new DecodeError(
        'bad-version',
        `tab message version ${version}, expected ${TAB_PROTOCOL_VERSION}`,
      );
    const kind = d.readU8();
    const from = d.readVarUint();
    switch (kind) {
      case KIND.hello:
        return { type: 'hello', from, stateVector: d.readBytes() };
      case KIND.sync:
        return { type: 'sync', from, to: d.readVarUint(), update: d.readBytes(), stateVector: d.readBytes() };
      case KIND.update:
        return { type: 'update', from, update: d.readBytes() };
      case KIND.presence:
        return { type: 'presence', from, sessionId: d.readVarUint(), state: readPresenceState(d) };
      case KIND.leave: {
        const n = d.readCount(1, MAX_ADOPTED);
        const pending: Uint8Array[] = [];
        for (let i = 0; i < n; i++) pending.push(d.readBytes());
        return { type: 'leave', from, pending };
      }
      default:
        throw new DecodeError('bad-tag', `unknown tab message kind ${kind}`);
    }
  });
}
