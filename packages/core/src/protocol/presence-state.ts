/**
 * The wire form of one session's presence, shared by the client protocol and the relays' peer
 * protocol: a flag (0: gone, 1: present), then name and colour (bounded UTF-8) and the cursor and
 * app data as {@link PresenceValue}s.
 */
import type { Decoder } from '../encoding/decoder.js';
import type { Encoder } from '../encoding/encoder.js';
import { stringSize } from '../encoding/sizes.js';
import { DecodeError } from '../errors.js';
import type { PresenceState } from './messages.js';
import { presenceValueSize, readPresenceValue, writePresenceValue } from './presence-value.js';

/** Longest presence name accepted, in UTF-8 bytes. */
export const MAX_PRESENCE_NAME_BYTES = 256;
/** Longest presence colour accepted, in UTF-8 bytes. */
export const MAX_PRESENCE_COLOR_BYTES = 64;

/**
 * Append `state` (or its absence, `null`).
 * @throws {AccordError} `invalid-argument` when the cursor or data is not a
 * {@link PresenceValue} (a caller bug).
 */
export function writePresenceState(enc: Encoder, state: PresenceState | null): void {
  if (state === null) {
    enc.writeU8(0);
    return;
  }
  enc.writeU8(1);
  enc.writeString(state.name);
  enc.writeString(state.color);
  writePresenceValue(enc, state.cursor);
  writePresenceValue(enc, state.data);
}

/**
 * Read what {@link writePresenceState} wrote.
 * @throws {DecodeError} for an unknown flag, an oversized name or colour, bad UTF-8 or a
 * malformed value.
 */
export function readPresenceState(dec: Decoder): PresenceState | null {
  const flag = dec.readU8();
  if (flag === 0) return null;
  if (flag !== 1) throw new DecodeError('bad-tag', `unknown presence flag ${flag}`);
  return {
    name: dec.readBoundedString(MAX_PRESENCE_NAME_BYTES, 'presence name'),
    color: dec.readBoundedString(MAX_PRESENCE_COLOR_BYTES, 'presence colour'),
    cursor: readPresenceValue(dec),
    data: readPresenceValue(dec),
  };
}

/**
 * The exact number of bytes {@link writePresenceState} writes for `state` (1 for `null`),
 * computed without encoding. A relay bounds presence by this size, per entry and per room, so
 * the same state weighs the same whether a client or another node reported it.
 * @throws {AccordError} `invalid-argument` where {@link writePresenceState} would.
 */
export function presenceStateSize(state: PresenceState | null): number {
  if (state === null) return 1;
  return (
    1 +
    stringSize(state.name) +
    stringSize(state.color) +
    presenceValueSize(state.cursor) +
    presenceValueSize(state.data)
  );
}
