/**
 * The structs of a document besides sequence items: map entries, counter operations, and
 * collected runs (ids whose content is gone for good: deleted map entries and everything inside a
 * deleted container, kept only as id ranges so state vectors stay gap-free).
 */
import type { Container } from './container.js';

/** One write of a map key: a value stamped with a hybrid logical clock timestamp. */
export class MapEntry {
  /** Always one clock. */
  readonly len = 1;
  /** True once overwritten or removed (by anyone who saw it). */
  deleted = false;

  constructor(
    readonly client: number,
    readonly clock: number,
    /** The map that holds the entry. */
    readonly parent: Container,
    readonly key: string,
    /** A JSON value or a nested container; `undefined` after deletion. */
    public value: unknown,
    /** HLC wall time and logical counter of the write (`client` breaks ties). */
    readonly wall: number,
    readonly logical: number,
  ) {}
}

/** One increment (positive or negative) of a counter. */
export class CounterOp {
  readonly len = 1;
  deleted = false;

  constructor(
    readonly client: number,
    readonly clock: number,
    readonly parent: Container,
    readonly delta: number,
  ) {}
}

/** A collected run: ids that exist but whose content is gone. */
export class GcRun {
  constructor(
    readonly client: number,
    readonly clock: number,
    public len: number,
  ) {}
}

/**
 * True when `a` wins over `b` under last-writer-wins: later HLC timestamp, then higher replica id
 * (`ids` maps client indexes to replica ids).
 */
export function entryWins(a: MapEntry, b: MapEntry, ids: readonly number[]): boolean {
  if (a.wall !== b.wall) return a.wall > b.wall;
  if (a.logical !== b.logical) return a.logical > b.logical;
  return (ids[a.client] as number) > (ids[b.client] as number);
}
