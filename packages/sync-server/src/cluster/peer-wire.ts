/**
 * The peer protocol's wire constants: its version byte, the tag byte of every
 * {@link ClusterMessage} type, and the limits the decoder checks. Shared by the message writer
 * (`peer-message-writer.ts`) and reader (`peer-message-reader.ts`).
 */
import { REGISTER_TAGS } from '../register/register-codec.js';
import type { ClusterMessage } from './messages.js';

/**
 * Wire version of the peer protocol (2: messages travel in authenticated records, no `hello`;
 * 3: sync requests and replies carry a request id; 4: forwarded writes carry a causal stamp,
 * `causal-pull`/`causal-fill` exist, and heartbeats and their acks carry a lease round, 0 for none;
 * 5: writes forwarded to a witness carry their stamp too, and a witness hands over what it holds
 * in `witness-offer`s, one stamped entry per update; 6: full replicas acknowledge forwarded
 * writes a write window at a time, in `replicate-acks`).
 */
export const CLUSTER_PROTOCOL_VERSION = 6;

/** The highest snapshot sequence number accepted (2^53 − 2, so the next one is still exact). */
export const MAX_SNAPSHOT_SEQ = Number.MAX_SAFE_INTEGER - 1;

/** Size limits applied while decoding. */
export interface ClusterCodecLimits {
  /** Largest document id in UTF-8 bytes. Default 512. */
  maxDocIdBytes: number;
  /** Largest update, state vector or snapshot in bytes. Default 16 MiB. */
  maxPayloadBytes: number;
  /** Most entries in a successor list. Default 64. */
  maxMembers: number;
  /** Most entries in one presence message. Default 1024. */
  maxPresenceEntries?: number;
  /**
   * Largest encoded presence entry state, in bytes. Default 64 KiB: well above what a relay keeps
   * (`--presence-max-bytes`, 8 KiB by default), so only a broken peer trips it.
   */
  maxPresenceEntryBytes?: number;
}

/** The default decoding limits (frozen: they bound every relay process's peer decoding). */
export const DEFAULT_CLUSTER_LIMITS: Readonly<ClusterCodecLimits> = Object.freeze({
  maxDocIdBytes: 512,
  maxPayloadBytes: 16 * 1024 * 1024,
  maxMembers: 64,
  maxPresenceEntries: 1024,
  maxPresenceEntryBytes: 64 * 1024,
});

/**
 * The tag byte of every message type, written after the version byte. Append, never renumber:
 * a tag is what a peer of the same version reads the rest of the message by.
 */
export const PEER_MESSAGE_TAGS = {
  heartbeat: 1,
  'heartbeat-ack': 2,
  'pre-vote': 3,
  'pre-vote-reply': 4,
  elect: 5,
  alive: 6,
  'vote-request': 7,
  'vote-reply': 8,
  'election-request': 9,
  'ring-election': 10,
  'ring-leader': 11,
  'ring-ack': 12,
  invite: 13,
  'invite-accept': 14,
  'invite-merge': 15,
  'group-beat': 20,
  replicate: 16,
  'replicate-ack': 17,
  'sync-request': 18,
  'sync-reply': 19,
  'snapshot-query': 24,
  'snapshot-answer': 25,
  'snapshot-announce': 26,
  'snapshot-reply': 27,
  presence: 32,
  'presence-reset': 33,
  'causal-pull': 34,
  'causal-fill': 35,
  'witness-offer': 36,
  'replicate-acks': 37,
  ...REGISTER_TAGS,
} as const satisfies Record<ClusterMessage['type'], number>;
