/**
 * What the binding needs from presence, and how a cursor travels in it. `WebsocketProvider` from
 * `@accord/client` satisfies {@link PresenceSource} as it is; tests and other transports can
 * implement it in a few lines.
 *
 * A cursor is sent as `{ anchor, head }`, each an encoded core cursor anchor (`encodeAnchor`), so
 * every replica resolves it to the same characters whatever edits arrived in between. A plain
 * index (a number) is accepted too, for peers that have no anchors.
 */
import {
  type Anchor,
  createAnchor,
  decodeAnchor,
  encodeAnchor,
  resolveAnchor,
  type Text,
} from '@accord/core';
import type { PresenceValue } from '@accord/core/protocol';

// One peer's presence, the presence channel, and safe names and colours are shared by every
// binding (core's protocol entry point); this binding's API keeps exporting them.
export {
  FALLBACK_COLOR,
  MAX_NAME_LENGTH,
  type PeerPresence,
  type PresenceSource,
  safeColor,
  safeName,
} from '@accord/core/protocol';

/** A cursor as published in presence: where the selection starts (`anchor`) and where it ends (`head`). */
export interface CursorValue {
  readonly anchor: Uint8Array | number;
  readonly head: Uint8Array | number;
}

/**
 * An anchor for position `index` of `text` that sticks to the character before it (text typed
 * right there by someone else lands after the caret, which stays put).
 */
export function anchorAt(text: Text, index: number): Anchor {
  return createAnchor(text, Math.min(Math.max(0, index), text.length), 'after');
}

/** The presence value for a selection from `anchor` to `head` in `text`. */
export function cursorValue(
  text: Text,
  anchor: number,
  head: number,
): { anchor: Uint8Array; head: Uint8Array } {
  const a = encodeAnchor(anchorAt(text, anchor));
  return { anchor: a, head: anchor === head ? a : encodeAnchor(anchorAt(text, head)) };
}

/**
 * Where a peer's cursor is now in `text`, or undefined when it is not a {@link CursorValue} or
 * does not resolve here (malformed bytes, another text, characters not received yet). Never
 * throws: presence comes from other people.
 */
export function resolveCursor(
  text: Text,
  cursor: PresenceValue,
): { anchor: number; head: number } | undefined {
  if (
    cursor === null ||
    typeof cursor !== 'object' ||
    Array.isArray(cursor) ||
    cursor instanceof Uint8Array
  ) {
    return undefined;
  }
  const record = cursor as { readonly [key: string]: PresenceValue };
  const anchor = resolvePosition(text, record.anchor);
  const head = resolvePosition(text, record.head);
  return anchor === undefined || head === undefined ? undefined : { anchor, head };
}

function resolvePosition(text: Text, value: PresenceValue | undefined): number | undefined {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value >= 0 ? Math.min(value, text.length) : undefined;
  }
  if (!(value instanceof Uint8Array)) return undefined;
  let anchor = decoded.get(value);
  if (anchor === undefined) {
    try {
      anchor = decodeAnchor(value);
    } catch {
      anchor = null; // A malformed anchor from a peer: no caret, no crash.
    }
    decoded.set(value, anchor);
  }
  return anchor === null ? undefined : (resolveAnchor(text, anchor) ?? undefined);
}

/** Decoded anchors by their bytes (presence states keep their byte arrays until they change). */
const decoded = new WeakMap<Uint8Array, Anchor | null>();
