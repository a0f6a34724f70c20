/**
 * The peer-link handshake as two small pure state machines (one per side) and the codec of its
 * four messages; `peer-dialer.ts` and `peer-acceptor.ts` feed them socket frames. The cryptography
 * and the protocol are described in `peer-auth.ts`. Nothing here reads the clock or touches a socket.
 */
import { DecodeError, decodeWith, Encoder } from '@accord/core/protocol';
import type { NodeId } from '../election/types.js';
import {
  type ClusterKey,
  freshNonce,
  type HandshakeBinding,
  handshakeProof,
  NONCE_BYTES,
  PROOF_BYTES,
  sessionKey,
  verifyProof,
} from './peer-auth.js';

/** Version byte of the handshake (and of the record layer after it). */
export const PEER_LINK_VERSION = 2;
/** Largest handshake frame accepted, in bytes: nothing bigger is buffered before authentication. */
export const MAX_HANDSHAKE_FRAME = 128;

/** Why a handshake failed; logged with the remote address and counted in `/metrics`. */
export type HandshakeFailure =
  | 'malformed'
  | 'bad-version'
  | 'unexpected-message'
  | 'unknown-node'
  | 'wrong-node'
  | 'bad-proof'
  | 'refused'
  | 'timeout'
  | 'tls'
  | 'too-many-unauthenticated';

/** The messages of the handshake. */
export type HandshakeMessage =
  | { type: 'hello'; dialer: NodeId; listener: NodeId; nonce: Uint8Array }
  | { type: 'challenge'; nonce: Uint8Array; proof: Uint8Array }
  | { type: 'proof'; proof: Uint8Array }
  | { type: 'welcome' }
  | { type: 'refused'; reason: number };

const TAG = { hello: 1, challenge: 2, proof: 3, welcome: 4, refused: 5 } as const;

/** Reasons a listener tells a dialer it refused it (a byte on the wire). */
const REFUSAL_CODES: readonly HandshakeFailure[] = ['unknown-node', 'wrong-node', 'bad-proof'];

/** Encode a handshake message (without the frame's length prefix). */
export function encodeHandshake(m: HandshakeMessage): Uint8Array {
  const e = new Encoder(96);
  e.writeU8(PEER_LINK_VERSION);
  e.writeU8(TAG[m.type]);
  switch (m.type) {
    case 'hello':
      e.writeVarUint(m.dialer);
      e.writeVarUint(m.listener);
      e.writeRaw(m.nonce);
      break;
    case 'challenge':
      e.writeRaw(m.nonce);
      e.writeRaw(m.proof);
      break;
    case 'proof':
      e.writeRaw(m.proof);
      break;
    case 'welcome':
      break;
    case 'refused':
      e.writeU8(m.reason);
      break;
  }
  return e.toBytes();
}

/** Decode a handshake message. Throws only `DecodeError`. */
export function decodeHandshake(bytes: Uint8Array): HandshakeMessage {
  return decodeWith(bytes, (d) => {
    const version = d.readU8();
    if (version !== PEER_LINK_VERSION) throw new DecodeError('bad-version', `peer link v${version}`);
    const tag = d.readU8();
    switch (tag) {
      case TAG.hello: {
        const dialer = d.readVarUint();
        const listener = d.readVarUint();
        if (dialer === 0 || listener === 0) throw new DecodeError('invalid', 'node id 0');
        return { type: 'hello', dialer, listener, nonce: d.readRaw(NONCE_BYTES).slice() };
      }
      case TAG.challenge:
        return {
          type: 'challenge',
          nonce: d.readRaw(NONCE_BYTES).slice(),
          proof: d.readRaw(PROOF_BYTES).slice(),
        };
      case TAG.proof:
        return { type: 'proof', proof: d.readRaw(PROOF_BYTES).slice() };
      case TAG.welcome:
        return { type: 'welcome' };
      case TAG.refused:
        return { type: 'refused', reason: d.readU8() };
      default:
        throw new DecodeError('bad-tag', `unknown handshake tag ${tag}`);
    }
  });
}

/** What a handshake step asks of its link. */
export type HandshakeStep =
  | { kind: 'send'; message: HandshakeMessage }
  /** Authenticated: send `message` (if any), then switch to records keyed by `key`. */
  | { kind: 'done'; peer: NodeId; key: Buffer; message?: HandshakeMessage }
  /** Close the link; `message` (if any) tells the other side why first. */
  | { kind: 'fail'; reason: HandshakeFailure; peer?: NodeId; message?: HandshakeMessage };

function decodeStep(bytes: Uint8Array): HandshakeMessage | HandshakeFailure {
  try {
    return decodeHandshake(bytes);
  } catch (e) {
    if (e instanceof DecodeError) return e.code === 'bad-version' ? 'bad-version' : 'malformed';
    throw e;
  }
}

/** The accepting side: checks who is calling, proves itself, then checks the caller's proof. */
export class ListenerHandshake {
  private binding: HandshakeBinding | null = null;

  constructor(
    private readonly key: ClusterKey,
    private readonly self: NodeId,
    private readonly members: ReadonlySet<NodeId>,
  ) {}

  /** Feed one frame from the dialer. */
  receive(frame: Uint8Array): HandshakeStep {
    const m = decodeStep(frame);
    if (typeof m === 'string') return { kind: 'fail', reason: m };
    const b = this.binding;
    if (b === null) {
      if (m.type !== 'hello') return { kind: 'fail', reason: 'unexpected-message' };
      if (m.listener !== this.self) return this.refuse('wrong-node', m.dialer);
      if (m.dialer === this.self || !this.members.has(m.dialer)) return this.refuse('unknown-node', m.dialer);
      const binding: HandshakeBinding = {
        dialer: m.dialer,
        listener: this.self,
        dialerNonce: m.nonce,
        listenerNonce: freshNonce(),
      };
      this.binding = binding;
      return {
        kind: 'send',
        message: {
          type: 'challenge',
          nonce: binding.listenerNonce,
          proof: handshakeProof(this.key, 'listener', binding),
        },
      };
    }
    if (m.type !== 'proof') return { kind: 'fail', reason: 'unexpected-message', peer: b.dialer };
    if (!verifyProof(this.key, 'dialer', b, m.proof)) return this.refuse('bad-proof', b.dialer);
    return { kind: 'done', peer: b.dialer, key: sessionKey(this.key, b), message: { type: 'welcome' } };
  }

  private refuse(reason: HandshakeFailure, peer: NodeId): HandshakeStep {
    return {
      kind: 'fail',
      reason,
      peer,
      message: { type: 'refused', reason: REFUSAL_CODES.indexOf(reason) },
    };
  }
}

/** The calling side: says who it calls, checks the listener's proof, proves itself. */
export class DialerHandshake {
  private binding: HandshakeBinding | null = null;
  private readonly nonce = freshNonce();
  private proven = false;

  constructor(
    private readonly key: ClusterKey,
    private readonly self: NodeId,
    private readonly peer: NodeId,
  ) {}

  /** The first message. */
  hello(): HandshakeMessage {
    return { type: 'hello', dialer: this.self, listener: this.peer, nonce: this.nonce };
  }

  /** Feed one frame from the listener. */
  receive(frame: Uint8Array): HandshakeStep {
    const m = decodeStep(frame);
    if (typeof m === 'string') return { kind: 'fail', reason: m, peer: this.peer };
    if (m.type === 'refused') return { kind: 'fail', reason: 'refused', peer: this.peer };
    if (this.binding === null) {
      if (m.type !== 'challenge') return { kind: 'fail', reason: 'unexpected-message', peer: this.peer };
      const b: HandshakeBinding = {
        dialer: this.self,
        listener: this.peer,
        dialerNonce: this.nonce,
        listenerNonce: m.nonce,
      };
      // A listener that cannot prove the secret is not our peer (an impostor on its address).
      if (!verifyProof(this.key, 'listener', b, m.proof))
        return { kind: 'fail', reason: 'bad-proof', peer: this.peer };
      this.binding = b;
      return { kind: 'send', message: { type: 'proof', proof: handshakeProof(this.key, 'dialer', b) } };
    }
    if (m.type !== 'welcome' || this.proven)
      return { kind: 'fail', reason: 'unexpected-message', peer: this.peer };
    this.proven = true;
    return { kind: 'done', peer: this.peer, key: sessionKey(this.key, this.binding) };
  }
}

/** The refusal reason a listener sent, for the dialer's log (`unknown` when out of range). */
export function refusalReason(code: number): HandshakeFailure | 'unknown' {
  return REFUSAL_CODES[code] ?? 'unknown';
}
