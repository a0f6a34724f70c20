/**
 * Shared helpers for CRDTs that hold sets of codec-encoded values keyed by their identity.
 */
import type { Decoder } from '../encoding/decoder.js';
import type { Encoder } from '../encoding/encoder.js';
import { DecodeError } from '../errors.js';
import { compareValueKeys, type ValueCodec, type ValueKey } from './value-codec.js';

/** The entries of `map` sorted by key, the canonical order of encodings and `value()` arrays. */
export function sortedEntries<V>(map: ReadonlyMap<ValueKey, V>): Array<[ValueKey, V]> {
  return [...map].sort((a, b) => compareValueKeys(a[0], b[0]));
}

/** True when both maps have exactly the same keys. */
export function sameKeys(a: ReadonlyMap<ValueKey, unknown>, b: ReadonlyMap<ValueKey, unknown>): boolean {
  if (a.size !== b.size) return false;
  for (const k of a.keys()) if (!b.has(k)) return false;
  return true;
}

/** True when every key of `a` is a key of `b`. */
export function keysSubset(a: ReadonlyMap<ValueKey, unknown>, b: ReadonlyMap<ValueKey, unknown>): boolean {
  if (a.size > b.size) return false;
  for (const k of a.keys()) if (!b.has(k)) return false;
  return true;
}

/** Write a count and the values of `map` in key order. */
export function writeValues<T>(enc: Encoder, map: ReadonlyMap<ValueKey, T>, codec: ValueCodec<T>): void {
  const entries = sortedEntries(map);
  enc.writeVarUint(entries.length);
  for (const [, v] of entries) codec.write(enc, v);
}

/**
 * Read values written by {@link writeValues} into `into` (keyed by `codec.key`). Bounded by the
 * bytes left.
 * @throws {DecodeError} for malformed values, a value that repeats one already read, or a value
 * the codec cannot key.
 */
export function readValues<T>(dec: Decoder, codec: ValueCodec<T>, into: Map<ValueKey, T>): void {
  const n = dec.readCount(1);
  for (let i = 0; i < n; i++) {
    const v = codec.read(dec);
    const k = keyOfDecoded(codec, v);
    if (into.has(k)) throw new DecodeError('invalid', 'repeated element');
    into.set(k, v);
  }
}

/** `codec.key(value)` for a value just decoded: a failure is the input's fault, so a DecodeError. */
export function keyOfDecoded<T>(codec: ValueCodec<T>, value: T): ValueKey {
  try {
    return codec.key(value);
  } catch (e) {
    throw new DecodeError(
      'invalid',
      `decoded value has no key: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}
