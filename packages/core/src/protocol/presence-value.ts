/**
 * A compact, bounded binary encoding for the small app-defined values carried by presence
 * (cursors, selections, a user's status): JSON-like values plus raw bytes, tagged and
 * varint-encoded, never JSON text. A configuration of the shared tagged-value codec
 * (`encoding/tagged-value.ts`), which supplies the limits and error contract.
 */

import type { Decoder } from '../encoding/decoder.js';
import type { Encoder } from '../encoding/encoder.js';
import { TaggedValueCodec, type ValueTags } from '../encoding/tagged-value.js';

/**
 * A value an application may put into presence: `null`, booleans, finite numbers, strings,
 * byte arrays, arrays and plain objects of these, at most {@link PRESENCE_MAX_DEPTH} arrays and
 * objects nested inside one another and at most {@link PRESENCE_MAX_NODES} elements in all.
 */
export type PresenceValue =
  | null
  | boolean
  | number
  | string
  | Uint8Array
  | readonly PresenceValue[]
  | { readonly [key: string]: PresenceValue };

/** Deepest nesting of arrays and objects accepted in a {@link PresenceValue}. */
export const PRESENCE_MAX_DEPTH = 8;

/** Most array elements plus object entries accepted in one {@link PresenceValue}, all levels together. */
export const PRESENCE_MAX_NODES = 4096;

/**
 * The tags of presence values, part of the client and peer protocols (never renumber): 0 null,
 * 1 false, 2 true, 3 safe integer (signed varint), 4 other number (float64), 5 string, 6 bytes,
 * 7 array, 8 object (keys in the object's own order).
 */
const PRESENCE_TAGS: ValueTags = {
  null: 0,
  false: 1,
  true: 2,
  int: 3,
  float: 4,
  string: 5,
  bytes: 6,
  array: 7,
  object: 8,
};

/** The configuration of the tagged-value codec for presence values (internal: for tests). */
export const presenceValueCodec: TaggedValueCodec = new TaggedValueCodec({
  name: 'presence value',
  tags: PRESENCE_TAGS,
  sortKeys: false,
  maxDepth: PRESENCE_MAX_DEPTH,
  maxNodes: PRESENCE_MAX_NODES,
  // A hostile "__proto__" key stays an ordinary key of an object without prototype.
  nullPrototype: true,
});

/**
 * Append `value` to `enc`, nested at `depth` (default 0).
 * @throws {AccordError} `invalid-argument` for values outside {@link PresenceValue} (functions,
 * `undefined`, non-finite numbers, non-plain objects such as `Date` or `Map`, nesting deeper than
 * {@link PRESENCE_MAX_DEPTH} or cycles, more than {@link PRESENCE_MAX_NODES} elements).
 */
export function writePresenceValue(enc: Encoder, value: PresenceValue, depth = 0): void {
  presenceValueCodec.write(enc, value, depth);
}

/**
 * The exact number of bytes {@link writePresenceValue} writes for `value`, computed without
 * encoding (the relay weighs presence against its byte limits with it).
 * @throws {AccordError} `invalid-argument` where {@link writePresenceValue} would.
 */
export function presenceValueSize(value: PresenceValue, depth = 0): number {
  return presenceValueCodec.size(value, depth);
}

/**
 * Read one {@link PresenceValue} (objects come back without prototype). Bounded: every count is
 * checked against the bytes left, nesting against {@link PRESENCE_MAX_DEPTH} and the total
 * element count against {@link PRESENCE_MAX_NODES} (both `too-large`). Throws only
 * `DecodeError`.
 */
export function readPresenceValue(dec: Decoder): PresenceValue {
  return presenceValueCodec.read(dec) as PresenceValue;
}
