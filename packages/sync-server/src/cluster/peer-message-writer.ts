/**
 * Writing a {@link ClusterMessage}: the version byte, the tag byte, then the fields as varints,
 * length-prefixed strings and byte arrays (the register's messages through `register-codec.ts`).
 * The counterpart of `peer-message-reader.ts`; `peer-codec.ts` turns it into bytes and frames.
 */
import { type Encoder, type PresenceEntry, writePresenceState } from '@accord/core/protocol';
import type { NodeId } from '../election/types.js';
import { writeRegisterMessage } from '../register/register-codec.js';
import type { SnapshotNumber } from '../snapshot/snapshot-number.js';
import { writeMarks, writeStamp, writeWitnessEntries } from './causal-codec.js';
import type { ClusterMessage } from './messages.js';
import { CLUSTER_PROTOCOL_VERSION, PEER_MESSAGE_TAGS as TAGS } from './peer-wire.js';

function writeNumber(e: Encoder, n: SnapshotNumber): void {
  e.writeVarUint(n.term);
  e.writeVarUint(n.seq);
}

/**
 * Write `m` (version byte, tag byte, fields) at the end of `e`. Throws `RangeError` when a
 * numeric field is not a non-negative safe integer (a caller bug, never an input problem).
 */
export function writeClusterMessage(e: Encoder, m: ClusterMessage): void {
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

/**
 * A heartbeat's (or its ack's) lease round as a varint, 0 for none (so every message stays
 * prefix-free). Throws `RangeError` for a round that is not a positive safe integer (a caller bug).
 */
function writeLeaseRound(e: Encoder, lease: number | undefined): void {
  if (lease !== undefined && (!Number.isSafeInteger(lease) || lease <= 0))
    throw new RangeError(`lease round ${lease} is not positive`);
  e.writeVarUint(lease ?? 0);
}
