/**
 * Cryptography of peer links: proving cluster membership and keeping the link's stream authentic.
 *
 * Handshake (mutual challenge–response; the secret itself never crosses the wire):
 * 1. dialer → listener  `hello`     dialer id, listener id, a fresh 32-byte nonce `nd`
 * 2. listener → dialer  `challenge` a fresh nonce `nl`, proof `HMAC(K, "listener" | ids | nd | nl)`
 * 3. dialer → listener  `proof`     `HMAC(K, "dialer" | ids | nd | nl)`
 * 4. listener → dialer  `welcome`
 *
 * `K` is derived from the cluster secret with HKDF. Both proofs cover both node ids and both
 * nonces, and name their side, so a recorded handshake cannot be replayed (the other side's nonce
 * is new), reflected (the side label differs) or moved to another pair of nodes (the ids differ).
 *
 * After the handshake, what the dialer sends travels in records: `[u32 length][payload][tag]`,
 * where the 16-byte tag is `HMAC(S, seq | payload)` truncated, `S` a session key derived from `K`
 * and both nonces, and `seq` counts records from 0. An attacker who can inject into the TCP
 * stream (on-path) can neither forge, replay, reorder nor drop a record unnoticed: the link is
 * closed. One record carries every frame gathered in one write window, so the MAC costs one HMAC
 * per window (about 3–5 µs), not one per message. Confidentiality is TLS's job (`--peer-tls-ca`).
 */
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** Bytes of a handshake nonce. */
export const NONCE_BYTES = 32;
/** Bytes of a handshake proof (full HMAC-SHA-256). */
export const PROOF_BYTES = 32;
/** Bytes of a record tag (HMAC-SHA-256 truncated, as in TLS's and SSH's truncated MACs). */
export const TAG_BYTES = 16;
/** Shortest cluster secret accepted (characters). */
export const MIN_CLUSTER_SECRET_LENGTH = 16;

const PROTOCOL_LABEL = 'accord-peer-v2';

/** A derived cluster key: what both sides of a link prove they hold. */
export interface ClusterKey {
  /** The 32-byte key `K`. Never sent, never logged. */
  readonly key: Buffer;
}

/**
 * Derive the cluster key from the shared secret (HKDF-SHA-256). Throws `RangeError` when the
 * secret is shorter than {@link MIN_CLUSTER_SECRET_LENGTH}.
 */
export function deriveClusterKey(secret: string): ClusterKey {
  if (secret.length < MIN_CLUSTER_SECRET_LENGTH) {
    throw new RangeError(`cluster secret must be at least ${MIN_CLUSTER_SECRET_LENGTH} characters`);
  }
  const key = Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), 'accord', PROTOCOL_LABEL, 32));
  return { key };
}

/** A fresh random nonce. */
export function freshNonce(): Buffer {
  return randomBytes(NONCE_BYTES);
}

/** Which side of a link a proof speaks for. */
export type LinkSide = 'dialer' | 'listener';

/** What both proofs of one handshake are bound to. */
export interface HandshakeBinding {
  readonly dialer: number;
  readonly listener: number;
  readonly dialerNonce: Uint8Array;
  readonly listenerNonce: Uint8Array;
}

function bindingBytes(label: string, b: HandshakeBinding): Buffer {
  const head = Buffer.from(`${PROTOCOL_LABEL}|${label}|${b.dialer}|${b.listener}|`, 'utf8');
  return Buffer.concat([head, b.dialerNonce, b.listenerNonce]);
}

/** The proof `side` sends in the handshake bound by `b`. */
export function handshakeProof(k: ClusterKey, side: LinkSide, b: HandshakeBinding): Buffer {
  return createHmac('sha256', k.key).update(bindingBytes(side, b)).digest();
}

/** Whether `proof` is the proof `side` must send for `b` (constant time). */
export function verifyProof(k: ClusterKey, side: LinkSide, b: HandshakeBinding, proof: Uint8Array): boolean {
  const want = handshakeProof(k, side, b);
  return proof.length === want.length && timingSafeEqual(want, proof);
}

/** The session key of one link direction, from the cluster key and the handshake's nonces. */
export function sessionKey(k: ClusterKey, b: HandshakeBinding): Buffer {
  return createHmac('sha256', k.key).update(bindingBytes('session', b)).digest();
}

function tagOf(key: Buffer, seq: number, parts: readonly Uint8Array[]): Buffer {
  const h = createHmac('sha256', key);
  const s = Buffer.allocUnsafe(8);
  s.writeBigUInt64BE(BigInt(seq));
  h.update(s);
  for (const p of parts) h.update(p);
  return h.digest().subarray(0, TAG_BYTES);
}

/**
 * Seals the sending side's records: each call to {@link seal} numbers the next record and
 * returns `[u32 length][payload...][tag]` as one buffer, for one `write`.
 */
export class RecordSealer {
  private seq = 0;
  constructor(private readonly key: Buffer) {}

  /**
   * Seal the concatenation of `parts` (frames gathered in one write window) as one record, in
   * one buffer (a one-element array): the frames are copied once into it and the tag is taken
   * over the copy. Written as one chunk, a record costs the socket one `write` instead of a
   * `writev` of frames + 2 chunks, each of which Node's stream queued and described apart.
   */
  seal(parts: readonly Uint8Array[]): Buffer[] {
    let len = 0;
    for (const p of parts) len += p.length;
    const record = Buffer.allocUnsafe(4 + len + TAG_BYTES);
    record.writeUInt32BE(len + TAG_BYTES, 0);
    let at = 4;
    for (const p of parts) {
      record.set(p, at);
      at += p.length;
    }
    tagOf(this.key, this.seq++, [record.subarray(4, at)]).copy(record, at);
    return [record];
  }
}

/** Checks the receiving side's records in order; see {@link RecordSealer}. */
export class RecordOpener {
  private seq = 0;
  constructor(private readonly key: Buffer) {}

  /**
   * The payload of `record` (its bytes after the length prefix: payload then tag), or `null`
   * when the tag does not match the next expected record: forged, replayed, reordered or a
   * record was dropped. After `null` the link must be closed.
   */
  open(record: Uint8Array): Uint8Array | null {
    if (record.length < TAG_BYTES) return null;
    const payload = record.subarray(0, record.length - TAG_BYTES);
    const tag = record.subarray(record.length - TAG_BYTES);
    const want = tagOf(this.key, this.seq, [payload]);
    if (!timingSafeEqual(want, tag)) return null;
    this.seq++;
    return payload;
  }
}
