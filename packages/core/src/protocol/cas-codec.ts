/**
 * Wire form of the register messages `cas` and `cas-result` (the bodies after version and type).
 * Bounded like the rest of the codec: keys, values and operation ids are checked against their
 * limits before anything is allocated.
 */
import type { Decoder } from '../encoding/decoder.js';
import type { Encoder } from '../encoding/encoder.js';
import { utf8Length } from '../encoding/utf16.js';
import { DecodeError } from '../errors.js';
import type { CasMessage, CasResultMessage, CasStatus } from './messages.js';
import {
  MAX_CAS_OP_ID_BYTES,
  readCasOpId,
  readRegisterKey,
  readRegisterValue,
  registerKeyProblem,
  writeRegisterValue,
} from './register-value.js';

const STATUSES: readonly CasStatus[] = ['done', 'retry', 'unknown', 'refused'];

/** Write a `cas` body. @throws `RangeError` for a key or value out of bounds. */
export function writeCas(enc: Encoder, m: CasMessage): void {
  const problem = registerKeyProblem(m.key);
  if (problem !== null) throw new RangeError(problem);
  if (m.opId.length === 0 || utf8Length(m.opId) > MAX_CAS_OP_ID_BYTES)
    throw new RangeError(`a cas operation id is 1–${MAX_CAS_OP_ID_BYTES} UTF-8 bytes`);
  enc.writeVarUint(m.id);
  enc.writeString(m.opId);
  enc.writeString(m.key);
  writeRegisterValue(enc, m.expected);
  writeRegisterValue(enc, m.next);
}

/** Read a `cas` body. Throws only {@link DecodeError}. */
export function readCas(d: Decoder): CasMessage {
  return {
    type: 'cas',
    id: d.readVarUint(),
    opId: readCasOpId(d),
    key: readRegisterKey(d),
    expected: readRegisterValue(d),
    next: readRegisterValue(d),
  };
}

/** Write a `cas-result` body. */
export function writeCasResult(enc: Encoder, m: CasResultMessage): void {
  enc.writeVarUint(m.id);
  enc.writeU8(STATUSES.indexOf(m.status));
  enc.writeU8(m.ok ? 1 : 0);
  writeRegisterValue(enc, m.value);
}

/** Read a `cas-result` body. Throws only {@link DecodeError}. */
export function readCasResult(d: Decoder): CasResultMessage {
  const id = d.readVarUint();
  const status = STATUSES[d.readU8()];
  if (status === undefined) throw new DecodeError('bad-tag', 'unknown cas status');
  const ok = d.readU8();
  if (ok > 1) throw new DecodeError('bad-tag', `bad cas ok flag ${ok}`);
  return { type: 'cas-result', id, status, ok: ok === 1, value: readRegisterValue(d) };
}
