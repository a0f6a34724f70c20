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

/** One peer's presence as the provider reports it. */
export interface PeerPresence {
  /** Display name (shown next to the caret, cut to {@link MAX_NAME_LENGTH} characters). */
  readonly name: string;
  /** Display colour; only `#rgb`, `#rrggbb` (and with alpha) are used, anything else is grey. */
  readonly color: string;
  /** The peer's cursor (see {@link CursorValue}), or anything else (then no caret is drawn). */
  readonly cursor: PresenceValue;
}

/**
 * A presence channel: the other peers in the room, a change notification, and a way to publish
 * this session's cursor. `WebsocketProvider` from `@accord/client` is one.
 */
export interface PresenceSource {
  /** The other sessions in the room, keyed by session id (never this session). */
  readonly peers: ReadonlyMap<number, PeerPresence>;
  /** Call `listener` whenever `peers` changed; returns the unsubscribe function. */
  on(event: 'presence', listener: (peers: ReadonlyMap<number, PeerPresence>) => void): () => void;
  /** Merge `fields` into this session's presence (other fields, such as the name, stay). */
  updatePresence(fields: { readonly cursor: PresenceValue }): void;
}

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

/** Longest name drawn next to a remote caret. */
export const MAX_NAME_LENGTH = 64;

/** Colour used for a peer whose colour is missing or not a hex colour. */
export const FALLBACK_COLOR = '#888888';

const HEX_COLOR = /^#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/;

/** A peer's colour if it is a safe hex colour, else {@link FALLBACK_COLOR}. */
export function safeColor(color: unknown): string {
  return typeof color === 'string' && HEX_COLOR.test(color) ? color : FALLBACK_COLOR;
}

/** A peer's display name, trimmed and cut to {@link MAX_NAME_LENGTH}; `fallback` when empty. */
export function safeName(name: unknown, fallback: string): string {
  const trimmed = typeof name === 'string' ? name.trim().slice(0, MAX_NAME_LENGTH) : '';
  return trimmed.length > 0 ? trimmed : fallback;
}

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
