/**
 * Binary codec of stored values (list elements, map values, counter deltas): JSON data with a
 * tag byte per value, plus a tag for "a new container of kind K" at the top level (K: 0 map,
 * 1 list, 2 text, 3 counter, 4 a map keeping concurrent values). A configuration of the shared
 * tagged-value codec (`encoding/tagged-value.ts`), which supplies the limits and error contract.
 */

import type { Decoder } from '../encoding/decoder.js';
import type { Encoder } from '../encoding/encoder.js';
import { JSON_VALUE_TAGS, TaggedValueCodec, type ValueExtension } from '../encoding/tagged-value.js';
import { DecodeError } from '../errors.js';
import { noteHeld } from './held-values.js';
import { KIND_CODES, KINDS } from './kinds.js';
import { ContainerValue } from './records.js';

/**
 * Stored values use {@link JSON_VALUE_TAGS} (object keys in the object's own order) plus this tag:
 * a new container, then its kind code byte. Part of the format (never renumber).
 */
const T_CONTAINER = 8;

/** Container code of a map that keeps concurrent values (format version 2). */
const CONCURRENT_MAP = 4;

/**
 * Most arrays and objects nested inside one another in a stored value. The document accepts
 * values at most 32 deep (`MAX_VALUE_DEPTH` in `doc/values.ts`: a value inside 32 arrays or
 * objects), so an empty array or object may sit inside 32 others: 33 levels of containers. The
 * reader before the shared codec accepted exactly those (it refused any value inside 33).
 */
const MAX_DEPTH = 33;

/** "A new container of kind K": the tag, then one byte with the kind code. */
const containers: ValueExtension = {
  tag: T_CONTAINER,
  matches: (v) => v instanceof ContainerValue,
  write(enc, v) {
    const c = v as ContainerValue;
    enc.writeU8(c.concurrent && c.kind === 'map' ? CONCURRENT_MAP : KIND_CODES[c.kind]);
  },
  size: () => 1,
  read(dec) {
    const code = dec.readU8();
    if (code === CONCURRENT_MAP) return new ContainerValue('map', true);
    const kind = KINDS[code];
    if (kind === undefined) throw new DecodeError('bad-tag', `unknown container kind ${code}`);
    return new ContainerValue(kind);
  },
};

/** The configuration of the tagged-value codec for stored values (internal: for tests). */
export const storedValueCodec: TaggedValueCodec = new TaggedValueCodec({
  name: 'stored value',
  tags: JSON_VALUE_TAGS,
  sortKeys: false,
  maxDepth: MAX_DEPTH,
  freeze: true,
  extension: containers,
});

/**
 * Write one value (JSON data, or a {@link ContainerValue} as the whole value).
 * @throws {AccordError} `invalid-argument` for anything else (non-finite numbers, `undefined`,
 * non-plain objects, containers inside arrays or objects, nesting past the limit).
 */
export function writeValue(enc: Encoder, v: unknown): void {
  storedValueCodec.write(enc, v);
}

/**
 * Read one value. A container is accepted only when `allowContainer` (top level of a list
 * element or map value; not a counter delta).
 * @throws {DecodeError} `bad-tag` for an unknown tag or container kind, `too-large` for nesting
 * past the limit, `invalid` for a non-finite number or a container where none is allowed, or
 * the decoder's codes on truncation and bad UTF-8.
 */
export function readValue(dec: Decoder, allowContainer: boolean): unknown {
  const v = storedValueCodec.read(dec, allowContainer);
  // Arrays and objects come frozen and are noted as held (`held-values.ts`); a container value
  // is not frozen, so not noted.
  noteHeld(v);
  return v;
}
