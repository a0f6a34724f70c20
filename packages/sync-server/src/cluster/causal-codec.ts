/**
 * Wire form of the causal forwarding fields (see `CausalForwarding`): the stamp on a forwarded
 * client write, and the frontier of a pull's answer. Range-checked like every peer field: at most
 * `maxMembers` marks, node ids non-zero, epochs 1..2^32 - 1, sequence numbers within a safe
 * integer, a stamp's own number at least 1. Throws only `DecodeError`.
 */
import { DecodeError, type Decoder, decodeWith, Encoder } from '@accord/core/protocol';
import type { NodeId } from '../election/types.js';
import type { CausalMark, CausalStamp } from './causal-forwarding.js';
import type { WitnessEntry } from './messages.js';

const MAX_EPOCH = 2 ** 32 - 1;

/** Write a list of marks (a stamp's dependencies, a fill's frontier). */
export function writeMarks(e: Encoder, marks: readonly CausalMark[]): void {
  e.writeVarUint(marks.length);
  for (const m of marks) {
    e.writeVarUint(m.node);
    e.writeVarUint(m.epoch);
    e.writeVarUint(m.seq);
  }
}

function readEpoch(d: Decoder): number {
  const epoch = d.readVarUint();
  if (epoch === 0 || epoch > MAX_EPOCH) throw new DecodeError('invalid', `causal epoch ${epoch}`);
  return epoch;
}

/** Read a list of at most `maxMarks` marks. */
export function readMarks(d: Decoder, maxMarks: number): CausalMark[] {
  const n = d.readCount(3, maxMarks);
  const marks: CausalMark[] = [];
  for (let i = 0; i < n; i++) {
    const node = d.readVarUint();
    if (node === 0) throw new DecodeError('invalid', 'node id 0');
    marks.push({ node, epoch: readEpoch(d), seq: d.readVarUint() });
  }
  return marks;
}

/** Write a replicate message's optional stamp: a flag byte (0 none, 1 stamp, 2 stamp asking to pull), then the stamp. */
export function writeStamp(e: Encoder, stamp: CausalStamp | undefined): void {
  if (stamp === undefined) {
    e.writeU8(0);
    return;
  }
  e.writeU8(stamp.pull ? 2 : 1);
  e.writeVarUint(stamp.epoch);
  e.writeVarUint(stamp.seq);
  writeMarks(e, stamp.deps);
}

/** Read what {@link writeStamp} wrote. */
export function readStamp(d: Decoder, maxMarks: number): CausalStamp | undefined {
  const flag = d.readU8();
  if (flag === 0) return undefined;
  if (flag > 2) throw new DecodeError('invalid', `causal stamp flag ${flag}`);
  const epoch = readEpoch(d);
  const seq = d.readVarUint();
  if (seq === 0) throw new DecodeError('invalid', 'causal stamp seq 0');
  return { epoch, seq, deps: readMarks(d, maxMarks), pull: flag === 2 };
}

/** Most entries in one `witness-offer` (the witness sends the rest in its next probe). */
export const MAX_OFFER_ENTRIES = 1024;

/** Write a witness offer's entries: origin, stamp, update. */
export function writeWitnessEntries(e: Encoder, entries: readonly WitnessEntry[]): void {
  e.writeVarUint(entries.length);
  for (const x of entries) {
    e.writeVarUint(x.origin);
    writeStamp(e, x.stamp);
    e.writeBytes(x.update);
  }
}

/**
 * Read what {@link writeWitnessEntries} wrote: at most {@link MAX_OFFER_ENTRIES} entries, each
 * with a non-zero origin and a stamp, and at most `maxBytes` bytes of updates in all.
 */
export function readWitnessEntries(d: Decoder, maxMarks: number, maxBytes: number): WitnessEntry[] {
  const n = d.readCount(4, MAX_OFFER_ENTRIES);
  const entries: WitnessEntry[] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const origin: NodeId = d.readVarUint();
    if (origin === 0) throw new DecodeError('invalid', 'node id 0');
    const stamp = readStamp(d, maxMarks);
    if (stamp === undefined) throw new DecodeError('invalid', 'witness entry without a stamp');
    const len = d.readVarUint();
    total += len;
    if (total > maxBytes) throw new DecodeError('too-large', `witness offer of more than ${maxBytes} bytes`);
    entries.push({ origin, stamp, update: d.readRaw(len).slice() });
  }
  return entries;
}

/** A stamp on its own (a witness stores one per held update): {@link writeStamp}'s bytes. */
export function encodeStampBytes(stamp: CausalStamp): Uint8Array {
  const e = new Encoder(32);
  writeStamp(e, stamp);
  return e.toBytes();
}

/** Read what {@link encodeStampBytes} wrote (at most `maxMarks` marks); throws only `DecodeError`. */
export function decodeStampBytes(bytes: Uint8Array, maxMarks: number): CausalStamp {
  return decodeWith(bytes, (d) => {
    const stamp = readStamp(d, maxMarks);
    if (stamp === undefined) throw new DecodeError('invalid', 'no stamp');
    return stamp;
  });
}
