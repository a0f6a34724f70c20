/**
 * Binary encoding of {@link CausalMessage} envelopes: origin dot, dependencies, then the payload
 * written by a caller-supplied function.
 */
import { decodeDot, encodeDot } from '../clock/dot.js';
import { VectorClock } from '../clock/vector-clock.js';
import type { Decoder } from '../encoding/decoder.js';
import type { Encoder } from '../encoding/encoder.js';
import { DecodeError } from '../errors.js';
import type { CausalMessage } from './causal-buffer.js';

/**
 * Write a causal message: its dot, its dependency clock (canonical {@link VectorClock.encode}),
 * then the payload via `writePayload`.
 */
export function encodeCausalMessage<T>(
  enc: Encoder,
  message: CausalMessage<T>,
  writePayload: (enc: Encoder, payload: T) => void,
): void {
  encodeDot(enc, message.dot);
  message.deps.encode(enc);
  writePayload(enc, message.payload);
}

/**
 * Read a causal message written by {@link encodeCausalMessage}; `readPayload` must be bounded and
 * throw only {@link DecodeError}.
 * @throws {DecodeError} on malformed input, including `invalid` when the dependencies name the
 * message's own dot or a later one of its origin (such a message could never be delivered).
 */
export function decodeCausalMessage<T>(dec: Decoder, readPayload: (dec: Decoder) => T): CausalMessage<T> {
  const dot = decodeDot(dec);
  const deps = VectorClock.decode(dec);
  if (deps.get(dot.replica) >= dot.counter) {
    throw new DecodeError('invalid', 'causal message depends on itself or a later message of its origin');
  }
  const payload = readPayload(dec);
  return { dot, deps, payload };
}
