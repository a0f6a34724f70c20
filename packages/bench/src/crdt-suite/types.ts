/**
 * The adapter interface of the dmonad/crdt-benchmarks suite (`CrdtFactory` and `AbstractCrdt`,
 * MIT, Copyright (c) 2019 Kevin Jahns; see `LICENSE` in this folder), in TypeScript. Each library
 * under test implements it once (`factories/`); the scenarios (`b1.ts` … `b4.ts`) only talk to it.
 */

/** An encoded update or state, as the library produces it. */
export type Bytes = Uint8Array;

/** Receives every update a replica emits (local edits and, as in the suite, applied updates). */
export type UpdateHandler = (update: Bytes) => void;

/**
 * One replica holding a text (`'text'`), an array (`'array'`) and a map (`'map'`). Every change
 * emits its update at once through the handler given to the factory (no caching across calls),
 * except inside {@link AbstractCrdt.transact}, which may batch.
 */
export interface AbstractCrdt {
  /** The whole document, in the library's own persistent encoding. */
  getEncodedState(): Bytes;
  /** Apply an update produced by another replica's handler. */
  applyUpdate(update: Bytes): void;
  /** Insert `elements` into the array at `index`. */
  insertArray(index: number, elements: unknown[]): void;
  /** Delete `length` array elements from `index`. */
  deleteArray(index: number, length: number): void;
  /** The array's content. */
  getArray(): unknown[];
  /** Insert `text` at `index`. */
  insertText(index: number, text: string): void;
  /** Delete `length` characters from `index`. */
  deleteText(index: number, length: number): void;
  /** The text's content. */
  getText(): string;
  /**
   * Run `f` as one transaction. `isUpdate` is true when `f` only applies remote updates (a
   * library that cannot apply updates inside its local transactions runs `f` directly).
   */
  transact(f: (crdt: AbstractCrdt) => void, isUpdate?: boolean): void;
  /** Set `key` of the map to a JSON value. */
  setMap(key: string, value: unknown): void;
  /** The map as a plain object. */
  getMap(): Record<string, unknown>;
}

/** Makes replicas of one library. */
export interface CrdtFactory {
  /** The library's name in results (`accord`, `yjs`, `loro`, `automerge`). */
  readonly name: string;
  /** The installed version of the library. */
  readonly version: string;
  /** A fresh, empty replica. */
  create(onUpdate: UpdateHandler): AbstractCrdt;
  /** A replica loaded from `getEncodedState()` bytes. */
  load(onUpdate: UpdateHandler, bytes: Bytes): AbstractCrdt;
}
