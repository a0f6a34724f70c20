/**
 * Wire form of the register's peer messages (the bodies after the peer codec's version and tag).
 * Range-checked like every peer message: terms at most `MAX_TERM`, at most
 * `MAX_REGISTER_KEYS` records per message and `MAX_REMEMBERED_OPS` op ids per record, keys,
 * values and op ids within the client protocol's limits. Throws only `DecodeError`.
 */
import {
  type CasStatus,
  DecodeError,
  type Decoder,
  type Encoder,
  readCasOpId,
  readRegisterKey,
  readRegisterValue,
  writeRegisterValue,
} from '@accord/core/protocol';
import { MAX_TERM } from '../election/types.js';
import type { RegisterMessage } from './register-messages.js';
import { MAX_REGISTER_KEYS, MAX_REMEMBERED_OPS, type RegisterEntry } from './register-state.js';

const STATUSES: readonly CasStatus[] = ['done', 'retry', 'unknown', 'refused'];

/** Peer-codec tags of the register messages. Append, never renumber. */
export const REGISTER_TAGS = {
  'register-prepare': 40,
  'register-promise': 41,
  'register-write': 42,
  'register-written': 43,
  'register-forward': 44,
  'register-forwarded': 45,
} as const satisfies Record<RegisterMessage['type'], number>;

function writeEntries(e: Encoder, entries: readonly RegisterEntry[]): void {
  e.writeVarUint(entries.length);
  for (const { key, record } of entries) {
    e.writeString(key);
    writeRegisterValue(e, record.value);
    e.writeVarUint(record.term);
    e.writeVarUint(record.seq);
    e.writeVarUint(record.ops.length);
    for (const op of record.ops) e.writeString(op);
  }
}

/** Write the body of a register message. */
export function writeRegisterMessage(e: Encoder, m: RegisterMessage): void {
  switch (m.type) {
    case 'register-prepare':
      e.writeString(m.docId);
      e.writeVarUint(m.term);
      e.writeVarUint(m.reqId);
      return;
    case 'register-promise':
      e.writeString(m.docId);
      e.writeVarUint(m.term);
      e.writeVarUint(m.reqId);
      e.writeU8(m.accepted ? 1 : 0);
      writeEntries(e, m.records);
      return;
    case 'register-write':
      e.writeString(m.docId);
      e.writeVarUint(m.term);
      e.writeVarUint(m.reqId);
      writeEntries(e, m.records);
      return;
    case 'register-written':
      e.writeString(m.docId);
      e.writeVarUint(m.term);
      e.writeVarUint(m.reqId);
      e.writeU8(m.accepted ? 1 : 0);
      return;
    case 'register-forward':
      e.writeVarUint(m.reqId);
      e.writeString(m.docId);
      e.writeString(m.opId);
      e.writeString(m.key);
      writeRegisterValue(e, m.expected);
      writeRegisterValue(e, m.next);
      return;
    case 'register-forwarded':
      e.writeVarUint(m.reqId);
      e.writeU8(STATUSES.indexOf(m.status));
      e.writeU8(m.ok ? 1 : 0);
      writeRegisterValue(e, m.value);
      return;
  }
}

/** Field readers the peer codec lends (document id within its limit, bounded booleans). */
export interface RegisterFieldReader {
  readonly d: Decoder;
  docId(): string;
  bool(): boolean;
}

function term(d: Decoder): number {
  const t = d.readVarUint();
  if (t === 0 || t > MAX_TERM) throw new DecodeError('invalid', `register term ${t} out of range`);
  return t;
}

function readEntries(d: Decoder): RegisterEntry[] {
  // A record takes at least five bytes: key length and byte, value tag, term, seq, op count.
  const n = d.readCount(5, MAX_REGISTER_KEYS);
  const out: RegisterEntry[] = [];
  for (let i = 0; i < n; i++) {
    const key = readRegisterKey(d);
    const value = readRegisterValue(d);
    const t = d.readVarUint();
    if (t > MAX_TERM) throw new DecodeError('invalid', `record term ${t} above ${MAX_TERM}`);
    const seq = d.readVarUint();
    if (seq >= Number.MAX_SAFE_INTEGER) throw new DecodeError('invalid', 'record seq out of range');
    const k = d.readCount(2, MAX_REMEMBERED_OPS);
    const ops: string[] = [];
    for (let j = 0; j < k; j++) ops.push(readCasOpId(d));
    out.push({ key, record: { value, term: t, seq, ops } });
  }
  return out;
}

/** Read the body of register message `tag`, or `null` when `tag` is not a register tag. */
export function readRegisterMessage(tag: number, r: RegisterFieldReader): RegisterMessage | null {
  const d = r.d;
  switch (tag) {
    case REGISTER_TAGS['register-prepare']:
      return { type: 'register-prepare', docId: r.docId(), term: term(d), reqId: d.readVarUint() };
    case REGISTER_TAGS['register-promise']: {
      const docId = r.docId();
      const t = term(d);
      const reqId = d.readVarUint();
      const accepted = r.bool();
      return { type: 'register-promise', docId, term: t, reqId, accepted, records: readEntries(d) };
    }
    case REGISTER_TAGS['register-write']: {
      const docId = r.docId();
      const t = term(d);
      return { type: 'register-write', docId, term: t, reqId: d.readVarUint(), records: readEntries(d) };
    }
    case REGISTER_TAGS['register-written']: {
      const docId = r.docId();
      const t = term(d);
      return { type: 'register-written', docId, term: t, reqId: d.readVarUint(), accepted: r.bool() };
    }
    case REGISTER_TAGS['register-forward']:
      return {
        type: 'register-forward',
        reqId: d.readVarUint(),
        docId: r.docId(),
        opId: readCasOpId(d),
        key: readRegisterKey(d),
        expected: readRegisterValue(d),
        next: readRegisterValue(d),
      };
    case REGISTER_TAGS['register-forwarded']: {
      const reqId = d.readVarUint();
      const status = STATUSES[d.readU8()];
      if (status === undefined) throw new DecodeError('invalid', 'unknown cas status');
      return { type: 'register-forwarded', reqId, status, ok: r.bool(), value: readRegisterValue(d) };
    }
    default:
      return null;
  }
}
