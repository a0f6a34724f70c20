/**
 * Binary codec of {@link ClusterMessage}s: a version byte, a tag byte, then the fields as varints,
 * length-prefixed strings and byte arrays. Decoding is bounded (every length is checked against
 * the bytes left and against the limits) and range-checked (terms at most `MAX_TERM`, snapshot
 * sequence numbers at most `MAX_SNAPSHOT_SEQ`, ids non-zero), so no field a peer sends can make
 * a later `+ 1` leave the safe integer range. It throws only `DecodeError`.
 */
import {
  DecodeError,
  type Decoder,
  decodeWith,
  Encoder,
  type PresenceEntry,
  readPresenceState,
  writePresenceState,
} from '@accord/core/protocol';
import { MAX_TERM, type NodeId } from '../election/types.js';
import { REGISTER_TAGS, readRegisterMessage, writeRegisterMessage } from '../register/register-codec.js';
import type { SnapshotNumber } from '../snapshot/snapshot-number.js';
import {
  readMarks,
  readStamp,
  readWitnessEntries,
  writeMarks,
  writeStamp,
  writeWitnessEntries,
} from './causal-codec.js';
import { type ClusterMessage, MAX_ACKS_PER_MESSAGE } from './messages.js';

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

/** The default decoding limits. */
export const DEFAULT_CLUSTER_LIMITS: ClusterCodecLimits = {
  maxDocIdBytes: 512,
  maxPayloadBytes: 16 * 1024 * 1024,
  maxMembers: 64,
  maxPresenceEntries: 1024,
  maxPresenceEntryBytes: 64 * 1024,
};

const TAGS = {
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

function writeNumber(e: Encoder, n: SnapshotNumber): void {
  e.writeVarUint(n.term);
  e.writeVarUint(n.seq);
}

/**
 * The encoder every message is written with before one exact-size copy goes out: a new buffer
 * per message (2 KB for a replicated update) was an off-heap allocation per update and peer.
 * Replaced after a message larger than {@link SCRATCH_KEEP} so that one snapshot does not keep
 * its size for good.
 */
let scratch = new Encoder(4096);
const SCRATCH_KEEP = 256 * 1024;

/**
 * Encode a message. Throws `RangeError` when a numeric field is not a non-negative safe integer
 * (a caller bug, never an input problem).
 */
export function encodeClusterMessage(m: ClusterMessage): Uint8Array {
  const e = scratch;
  e.reset();
  writeMessage(e, m);
  const out = e.toBytes();
  if (out.length > SCRATCH_KEEP) scratch = new Encoder(4096);
  return out;
}

/**
 * {@link encodeClusterMessage} as a peer-link frame (`[u32 length][message]`) in one buffer: a
 * small one is a slice of Node's buffer pool, so a replicated update costs one copy and no
 * off-heap allocation of its own. The same frame may be written to several links.
 */
export function encodeClusterFrame(m: ClusterMessage): Buffer {
  const e = scratch;
  e.reset();
  writeMessage(e, m);
  const out = Buffer.allocUnsafe(4 + e.length);
  out.writeUInt32BE(e.length, 0);
  e.copyTo(out, 4);
  if (e.length > SCRATCH_KEEP) scratch = new Encoder(4096);
  return out;
}

function writeMessage(e: Encoder, m: ClusterMessage): void {
  e.writeU8(CLUSTER_PROTOCOL_VERSION);
  e.writeU8(TAGS[m.type]);
  switch (m.type) {
    case 'heartbeat':
      e.writeVarUint(m.term);
      e.writeVarUint(m.successors.length);
      for (const s of m.successors) e.writeVarUint(s);
      writeLeaseRound(e, m.lease);
      break;
    case 'heartbeat-ack':
      e.writeVarUint(m.term);
      writeLeaseRound(e, m.lease);
      break;
    case 'pre-vote':
    case 'elect':
    case 'alive':
    case 'vote-request':
    case 'election-request':
    case 'ring-ack':
      e.writeVarUint(m.term);
      break;
    case 'ring-election':
      e.writeVarUint(m.term);
      e.writeVarUint(m.initiator);
      writeIds(e, m.ranks);
      break;
    case 'ring-leader':
      e.writeVarUint(m.term);
      e.writeVarUint(m.initiator);
      e.writeVarUint(m.leader);
      break;
    case 'invite':
      e.writeVarUint(m.term);
      e.writeVarUint(m.size);
      break;
    case 'invite-accept':
    case 'group-beat':
      e.writeVarUint(m.term);
      writeIds(e, m.members);
      break;
    case 'invite-merge':
      e.writeVarUint(m.term);
      e.writeVarUint(m.coordinator);
      break;
    case 'pre-vote-reply':
    case 'vote-reply':
      e.writeVarUint(m.term);
      e.writeU8(m.granted ? 1 : 0);
      break;
    case 'replicate':
      e.writeString(m.docId);
      e.writeVarUint(m.updateId);
      e.writeBytes(m.update);
      writeStamp(e, m.causal);
      break;
    case 'causal-pull':
      e.writeString(m.docId);
      e.writeBytes(m.stateVector);
      break;
    case 'causal-fill':
      e.writeString(m.docId);
      e.writeBytes(m.update);
      writeMarks(e, m.frontier);
      writeIds(e, m.untracked);
      break;
    case 'witness-offer':
      e.writeString(m.docId);
      e.writeVarUint(m.probeId);
      e.writeVarUint(m.reqId);
      writeWitnessEntries(e, m.entries);
      break;
    case 'replicate-ack':
      e.writeString(m.docId);
      e.writeVarUint(m.updateId);
      break;
    case 'replicate-acks':
      e.writeVarUint(m.acks.length);
      for (const a of m.acks) {
        e.writeString(a.docId);
        e.writeVarUint(a.updateId);
      }
      break;
    case 'sync-request':
      e.writeString(m.docId);
      e.writeVarUint(m.reqId);
      e.writeBytes(m.stateVector);
      break;
    case 'sync-reply':
      e.writeString(m.docId);
      e.writeVarUint(m.reqId);
      e.writeBytes(m.update);
      e.writeBytes(m.stateVector);
      break;
    case 'snapshot-query':
      e.writeString(m.docId);
      e.writeVarUint(m.term);
      break;
    case 'snapshot-answer':
      e.writeString(m.docId);
      e.writeVarUint(m.term);
      e.writeU8(m.highest === null ? 0 : 1);
      if (m.highest !== null) writeNumber(e, m.highest);
      break;
    case 'snapshot-announce':
      e.writeString(m.docId);
      writeNumber(e, m.number);
      e.writeVarUint(m.at);
      e.writeBytes(m.stateVector);
      e.writeBytes(m.snapshot);
      break;
    case 'snapshot-reply':
      e.writeString(m.docId);
      writeNumber(e, m.number);
      e.writeU8(m.accepted ? 1 : 0);
      e.writeVarUint(m.promisedTerm);
      break;
    case 'presence':
      e.writeString(m.docId);
      e.writeVarUint(m.entries.length);
      for (const entry of m.entries) writePresenceEntry(e, entry);
      break;
    case 'presence-reset':
      break;
    default:
      writeRegisterMessage(e, m);
  }
}

function writeIds(e: Encoder, ids: readonly NodeId[]): void {
  e.writeVarUint(ids.length);
  for (const id of ids) e.writeVarUint(id);
}

function writePresenceEntry(e: Encoder, { sessionId, state }: PresenceEntry): void {
  e.writeVarUint(sessionId);
  writePresenceState(e, state);
}

class FieldReader {
  constructor(
    readonly d: Decoder,
    readonly limits: ClusterCodecLimits,
  ) {}

  docId(): string {
    const id = this.d.readBoundedString(this.limits.maxDocIdBytes, 'document id');
    if (id.length === 0) throw new DecodeError('invalid', 'empty document id');
    return id;
  }

  payload(): Uint8Array {
    const n = this.d.readVarUint();
    if (n > this.limits.maxPayloadBytes) throw new DecodeError('too-large', `payload of ${n} bytes`);
    return this.d.readRaw(n).slice();
  }

  bool(): boolean {
    const b = this.d.readU8();
    if (b > 1) throw new DecodeError('invalid', `boolean byte ${b}`);
    return b === 1;
  }

  term(): number {
    const t = this.d.readVarUint();
    if (t > MAX_TERM) throw new DecodeError('invalid', `term ${t} above ${MAX_TERM}`);
    return t;
  }

  nodeId(): NodeId {
    const id = this.d.readVarUint();
    if (id === 0) throw new DecodeError('invalid', 'node id 0');
    return id;
  }

  /** A list of at most `maxMembers` non-zero node ids. */
  nodeIds(): NodeId[] {
    const n = this.d.readCount(1, this.limits.maxMembers);
    const ids: NodeId[] = [];
    for (let i = 0; i < n; i++) ids.push(this.nodeId());
    return ids;
  }

  /** A group size: 1..`maxMembers`. */
  groupSize(): number {
    const n = this.d.readVarUint();
    if (n === 0 || n > this.limits.maxMembers) throw new DecodeError('invalid', `group size ${n}`);
    return n;
  }

  presenceEntry(): PresenceEntry {
    const sessionId = this.d.readVarUint();
    if (sessionId === 0) throw new DecodeError('invalid', 'session id 0');
    const from = this.d.offset;
    const state = readPresenceState(this.d);
    const max = this.limits.maxPresenceEntryBytes ?? 64 * 1024;
    if (this.d.offset - from > max)
      throw new DecodeError('too-large', `presence entry of ${this.d.offset - from} bytes`);
    return { sessionId, state };
  }

  number(): SnapshotNumber {
    const term = this.term();
    const seq = this.d.readVarUint();
    if (term === 0 || seq === 0) throw new DecodeError('invalid', 'snapshot number with 0 field');
    if (seq > MAX_SNAPSHOT_SEQ)
      throw new DecodeError('invalid', `snapshot seq ${seq} above ${MAX_SNAPSHOT_SEQ}`);
    return { term, seq };
  }
}

/**
 * A heartbeat's (or its ack's) lease round as a varint, 0 for none (so every message stays
 * prefix-free). Throws `RangeError` for a round that is not a positive safe integer (a caller bug).
 */
function writeLeaseRound(e: Encoder, lease: number | undefined): void {
  if (lease !== undefined && (!Number.isSafeInteger(lease) || lease <= 0))
    throw new RangeError(`lease round ${lease} is not positive`);
  e.writeVarUint(lease ?? 0);
}

/** A lease round (0: none); beyond the safe integer range is `invalid`. */
function readLeaseRound(d: Decoder): number | undefined {
  const lease = d.readVarUint();
  if (!Number.isSafeInteger(lease)) throw new DecodeError('invalid', 'lease round out of range');
  return lease === 0 ? undefined : lease;
}

/**
 * Decode one message. Throws `DecodeError` (`bad-version`, `bad-tag`, `truncated`, `too-large`,
 * `invalid`, `trailing-bytes`, ...) on any malformed, oversized or hostile input; never anything else.
 */
export function decodeClusterMessage(
  bytes: Uint8Array,
  limits: ClusterCodecLimits = DEFAULT_CLUSTER_LIMITS,
): ClusterMessage {
  return decodeWith(bytes, (d) => {
    const version = d.readU8();
    if (version !== CLUSTER_PROTOCOL_VERSION)
      throw new DecodeError('bad-version', `peer protocol v${version}`);
    const tag = d.readU8();
    const r = new FieldReader(d, limits);
    switch (tag) {
      case TAGS.heartbeat: {
        const term = r.term();
        const n = d.readCount(1, limits.maxMembers);
        const successors: NodeId[] = [];
        for (let i = 0; i < n; i++) successors.push(r.nodeId());
        const lease = readLeaseRound(d);
        return lease === undefined
          ? { type: 'heartbeat', term, successors }
          : { type: 'heartbeat', term, successors, lease };
      }
      case TAGS['heartbeat-ack']: {
        const term = r.term();
        const lease = readLeaseRound(d);
        return lease === undefined ? { type: 'heartbeat-ack', term } : { type: 'heartbeat-ack', term, lease };
      }
      case TAGS['pre-vote']:
        return { type: 'pre-vote', term: r.term() };
      case TAGS.elect:
        return { type: 'elect', term: r.term() };
      case TAGS.alive:
        return { type: 'alive', term: r.term() };
      case TAGS['vote-request']:
        return { type: 'vote-request', term: r.term() };
      case TAGS['pre-vote-reply']:
        return { type: 'pre-vote-reply', term: r.term(), granted: r.bool() };
      case TAGS['vote-reply']:
        return { type: 'vote-reply', term: r.term(), granted: r.bool() };
      case TAGS['election-request']:
        return { type: 'election-request', term: r.term() };
      case TAGS['ring-ack']:
        return { type: 'ring-ack', term: r.term() };
      case TAGS['ring-election']:
        return { type: 'ring-election', term: r.term(), initiator: r.nodeId(), ranks: r.nodeIds() };
      case TAGS['ring-leader']:
        return { type: 'ring-leader', term: r.term(), initiator: r.nodeId(), leader: r.nodeId() };
      case TAGS.invite:
        return { type: 'invite', term: r.term(), size: r.groupSize() };
      case TAGS['invite-accept']:
        return { type: 'invite-accept', term: r.term(), members: r.nodeIds() };
      case TAGS['group-beat']:
        return { type: 'group-beat', term: r.term(), members: r.nodeIds() };
      case TAGS['invite-merge']:
        return { type: 'invite-merge', term: r.term(), coordinator: r.nodeId() };
      case TAGS.replicate: {
        const docId = r.docId();
        const updateId = d.readVarUint();
        const update = r.payload();
        const causal = readStamp(d, limits.maxMembers);
        return { type: 'replicate', docId, updateId, update, ...(causal !== undefined ? { causal } : {}) };
      }
      case TAGS['causal-pull']:
        return { type: 'causal-pull', docId: r.docId(), stateVector: r.payload() };
      case TAGS['causal-fill']:
        return {
          type: 'causal-fill',
          docId: r.docId(),
          update: r.payload(),
          frontier: readMarks(d, limits.maxMembers),
          untracked: r.nodeIds(),
        };
      case TAGS['witness-offer']:
        return {
          type: 'witness-offer',
          docId: r.docId(),
          probeId: d.readVarUint(),
          reqId: d.readVarUint(),
          entries: readWitnessEntries(d, limits.maxMembers, limits.maxPayloadBytes),
        };
      case TAGS['replicate-ack']:
        return { type: 'replicate-ack', docId: r.docId(), updateId: d.readVarUint() };
      case TAGS['replicate-acks']: {
        // Each ack takes at least 2 bytes (an empty id's length and the update id).
        const n = d.readCount(2, MAX_ACKS_PER_MESSAGE);
        const acks: { docId: string; updateId: number }[] = [];
        for (let i = 0; i < n; i++) acks.push({ docId: r.docId(), updateId: d.readVarUint() });
        return { type: 'replicate-acks', acks };
      }
      case TAGS['sync-request']:
        return { type: 'sync-request', docId: r.docId(), reqId: d.readVarUint(), stateVector: r.payload() };
      case TAGS['sync-reply']:
        return {
          type: 'sync-reply',
          docId: r.docId(),
          reqId: d.readVarUint(),
          update: r.payload(),
          stateVector: r.payload(),
        };
      case TAGS['snapshot-query']:
        return { type: 'snapshot-query', docId: r.docId(), term: r.term() };
      case TAGS['snapshot-answer']: {
        const docId = r.docId();
        const term = r.term();
        const highest = r.bool() ? r.number() : null;
        return { type: 'snapshot-answer', docId, term, highest };
      }
      case TAGS['snapshot-announce']:
        return {
          type: 'snapshot-announce',
          docId: r.docId(),
          number: r.number(),
          at: d.readVarUint(),
          stateVector: r.payload(),
          snapshot: r.payload(),
        };
      case TAGS['snapshot-reply']:
        return {
          type: 'snapshot-reply',
          docId: r.docId(),
          number: r.number(),
          accepted: r.bool(),
          promisedTerm: r.term(),
        };
      case TAGS.presence: {
        const docId = r.docId();
        const n = d.readCount(2, limits.maxPresenceEntries ?? 1024);
        const entries: PresenceEntry[] = [];
        for (let i = 0; i < n; i++) entries.push(r.presenceEntry());
        return { type: 'presence', docId, entries };
      }
      case TAGS['presence-reset']:
        return { type: 'presence-reset' };
      default: {
        const m = readRegisterMessage(tag, r);
        if (m === null) throw new DecodeError('bad-tag', `unknown peer message tag ${tag}`);
        return m;
      }
    }
  });
}
