/**
 * Reading a {@link ClusterMessage} written by `peer-message-writer.ts`. Bounded (every length is
 * checked against the bytes left and against the limits) and range-checked (terms at most
 * `MAX_TERM`, snapshot sequence numbers at most `MAX_SNAPSHOT_SEQ`, ids non-zero), so no field a
 * peer sends can make a later `+ 1` leave the safe integer range. Throws only `DecodeError`.
 */
import { DecodeError, type Decoder, type PresenceEntry, readPresenceState } from '@accord/core/protocol';
import { MAX_TERM, type NodeId } from '../election/types.js';
import { readRegisterMessage } from '../register/register-codec.js';
import type { SnapshotNumber } from '../snapshot/snapshot-number.js';
import { readMarks, readStamp, readWitnessEntries } from './causal-codec.js';
import { type ClusterMessage, MAX_ACKS_PER_MESSAGE } from './messages.js';
import {
  CLUSTER_PROTOCOL_VERSION,
  type ClusterCodecLimits,
  MAX_SNAPSHOT_SEQ,
  PEER_MESSAGE_TAGS as TAGS,
} from './peer-wire.js';

/** The checked fields of one message, read from `d` (the register codec reads its fields through it too). */
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

/** A lease round (0: none); beyond the safe integer range is `invalid`. */
function readLeaseRound(d: Decoder): number | undefined {
  const lease = d.readVarUint();
  if (!Number.isSafeInteger(lease)) throw new DecodeError('invalid', 'lease round out of range');
  return lease === 0 ? undefined : lease;
}

/**
 * Read one message (version byte, tag byte, fields) from `d`, checking every field against
 * `limits`. Throws `DecodeError` (`bad-version`, `bad-tag`, `truncated`, `too-large`, `invalid`,
 * ...) on any malformed, oversized or hostile input; never anything else. Leaves `d` after the
 * message (the caller checks for trailing bytes).
 */
export function readClusterMessage(d: Decoder, limits: ClusterCodecLimits): ClusterMessage {
  const version = d.readU8();
  if (version !== CLUSTER_PROTOCOL_VERSION) throw new DecodeError('bad-version', `peer protocol v${version}`);
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
}
