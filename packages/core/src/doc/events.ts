/**
 * Change events for UI bindings. One event per changed container per transaction, delivered after
 * the transaction, with what changed in the order it happened.
 */
import type { Container } from './container.js';

/**
 * One visible change of a text or list, in the order they happened: apply them one after the
 * other to the previous content (an `index` always refers to the content after earlier changes).
 */
export interface SequenceChange {
  /** Visible position (UTF-16 code units for text, elements for lists). */
  index: number;
  /** Inserted units (a string for text, an array for lists). */
  insert?: string | unknown[];
  /** Number of deleted units. */
  delete?: number;
}

/** What changed in one container during one transaction. */
export interface ChangeEvent {
  /** The container that changed. */
  target: Container;
  /** Text and list: the visible changes, in order. */
  changes: SequenceChange[];
  /** Map: the keys whose value (or set of concurrent values) changed. */
  keysChanged: Set<string>;
  /** Counter: the sum of increments applied. */
  delta: number;
  /** The transaction origin (`transact(fn, origin)` or `applyUpdate(doc, bytes, origin)`). */
  origin: unknown;
  /** True for changes made by this replica, false for applied updates. */
  local: boolean;
}

/** Receives a container's events. */
export type ChangeListener = (event: ChangeEvent) => void;

/** Receives all events of a container and of every container nested in it, once per transaction. */
export type DeepChangeListener = (events: ChangeEvent[]) => void;
