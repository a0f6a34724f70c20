/**
 * Presence as editor bindings see it: one peer's presence, the channel a binding reads peers from
 * and publishes its cursor to (`WebsocketProvider` from `@accord/client` is one, as it is), and
 * how a peer's name and colour are made safe to draw: they come from other people.
 */
import type { PresenceValue } from './presence-value.js';

/** One peer's presence as the provider reports it. */
export interface PeerPresence {
  /** Display name (drawn next to the caret, cut to {@link MAX_NAME_LENGTH} characters). */
  readonly name: string;
  /** Display colour; only `#rgb`, `#rrggbb` (and with alpha) are used, anything else is grey. */
  readonly color: string;
  /** The peer's cursor in the shape its binding publishes, or anything else (no caret drawn). */
  readonly cursor: PresenceValue;
}

/**
 * A presence channel: the other peers in the room, a change notification, and a way to publish
 * this session's cursor.
 */
export interface PresenceSource {
  /** The other sessions in the room, keyed by session id (never this session). */
  readonly peers: ReadonlyMap<number, PeerPresence>;
  /** Call `listener` whenever `peers` changed; returns the unsubscribe function. */
  on(event: 'presence', listener: (peers: ReadonlyMap<number, PeerPresence>) => void): () => void;
  /** Merge `fields` into this session's presence (other fields, such as the name, stay). */
  updatePresence(fields: { readonly cursor: PresenceValue }): void;
}

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
