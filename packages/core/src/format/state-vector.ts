/**
 * State vectors in bytes: for each replica, how many of its clocks a document (or a set of
 * updates) holds. Peers exchange them to compute what the other lacks
 * (`encodeStateAsUpdate(doc, sv)`, `diffUpdate(update, sv)`). The vector of a document is read in
 * `sync/state-vector.ts`.
 */
import { decodeWith } from '../encoding/decoder.js';
import { Encoder } from '../encoding/encoder.js';

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
