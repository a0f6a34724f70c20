/**
 * State vectors: for each replica, how many of its clocks a document holds. Peers exchange them
 * to compute what the other lacks (`encodeStateAsUpdate(doc, sv)`).
 */
import type { Doc } from '../doc/doc.js';
import { decodeWith } from '../encoding/decoder.js';
import { Encoder } from '../encoding/encoder.js';

/** The state vector of `doc` as a map `replica id -> next clock`. */
export function stateVectorOf(doc: Doc): Map<number, number> {
  const sv = new Map<number, number>();
  for (const [ci, runs] of doc.store.clients)
    if (runs.next > 0) sv.set(doc.clientIds[ci] as number, runs.next);
  return sv;
}

/** Encode a state vector map (count, then replica id and clock pairs, sorted by id). */
export function encodeStateVectorMap(sv: Map<number, number>): Uint8Array {
  const enc = new Encoder(8 + sv.size * 12);
  const entries = [...sv].filter(([, c]) => c > 0).sort((a, b) => a[0] - b[0]);
  enc.writeVarUint(entries.length);
  for (const [id, clock] of entries) {
    enc.writeVarUint(id);
    enc.writeVarUint(clock);
  }
  return enc.toBytes();
}

/**
 * The binary state vector of `doc`: what it holds, for a peer to compute the diff it lacks.
 * Concurrent edits only ever grow it.
 */
export function encodeStateVector(doc: Doc): Uint8Array {
  return encodeStateVectorMap(stateVectorOf(doc));
}

/**
 * Decode a state vector into `replica id -> next clock`.
 * @throws {DecodeError} on malformed bytes.
 */
export function decodeStateVector(bytes: Uint8Array): Map<number, number> {
  return decodeWith(bytes, (dec) => {
    const n = dec.readCount(2);
    const sv = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const id = dec.readVarUint();
      sv.set(id, dec.readVarUint());
    }
    return sv;
  });
}
