/**
 * What the binding needs from presence, and how a cursor travels in it. `WebsocketProvider` from
 * `@accord/client` satisfies {@link PresenceSource} as it is.
 *
 * A cursor is sent as `{ flatAnchor, flatHead, textAnchor, textHead }` (see {@link CursorValue}):
 * encoded cursor anchors on the blocks' text, so every replica resolves them to the same
 * characters whatever edits arrived in between, with flat indices as the fallback. The names
 * differ from a plain-text editor's `{ anchor, head }` so that a CodeMirror binding on the same
 * presence draws no caret for it. A position beyond the end is clamped, anything else malformed
 * draws no caret.
 */
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

/**
 * A cursor as published in presence: where the selection starts and ends, each as a cursor anchor
 * on the blocks' text (`textAnchor`, `textHead`: encoded `createAnchor(blocks.text, …, 'after')`,
 * so it stays after its character whatever edits arrive) and as a flat index (the fallback, for
 * a peer that cannot resolve the anchor yet).
 */
export interface CursorValue {
  readonly flatAnchor: number;
  readonly flatHead: number;
  readonly textAnchor?: Uint8Array;
  readonly textHead?: Uint8Array;
}

/** Resolves an encoded anchor to a flat index of the local blocks, or undefined. */
export type AnchorResolver = (anchor: Uint8Array) => number | undefined;

/**
 * A peer's cursor clamped to `[0, length]`, or undefined when it is not a {@link CursorValue}.
 * Never throws: presence comes from other people.
 */
export function resolveCursor(
  cursor: PresenceValue,
  length: number,
  resolve?: AnchorResolver,
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
  const anchor = anchored(record.textAnchor, resolve, length) ?? position(record.flatAnchor, length);
  const head = anchored(record.textHead, resolve, length) ?? position(record.flatHead, length);
  return anchor === undefined || head === undefined ? undefined : { anchor, head };
}

function position(value: PresenceValue | undefined, length: number): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
    ? Math.min(value, length)
    : undefined;
}

function anchored(
  value: PresenceValue | undefined,
  resolve: AnchorResolver | undefined,
  length: number,
): number | undefined {
  if (resolve === undefined || !(value instanceof Uint8Array)) return undefined;
  const flat = resolve(value);
  return flat === undefined ? undefined : Math.min(Math.max(0, flat), length);
}
