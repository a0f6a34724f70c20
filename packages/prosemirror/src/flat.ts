/**
 * The Accord side of the mapping, as plain data: blocks in a flat sequence, and the flat deltas
 * that change them. Flat addressing is ProseMirror-like: each block contributes one unit (its
 * boundary marker) followed by its text's UTF-16 units; flat index 0 is the first block's marker.
 *
 * `BlocksLike` is what the binding needs from a shared blocks container (core's `Blocks` is
 * one); the binding never depends on more than this.
 */
import type { Attributes, AttributesPatch, Text, TextDeltaInsert } from '@accord/core';

/** Attributes of a block (a heading's `level`, a list item's `indent` and `kind`, ...). */
export type BlockAttrs = Readonly<Record<string, unknown>>;

/** A block's kind and attributes. */
export interface BlockInfo {
  /** `paragraph`, `heading`, `list_item`, `code_block` or `blockquote`. */
  readonly type: string;
  readonly attrs: BlockAttrs;
}

/** A block with its rich text. */
export interface FlatBlock extends BlockInfo {
  readonly content: readonly TextDeltaInsert[];
}

/** Keep `retain` units; with `attributes`, format them (`null` removes an attribute). */
export interface FlatRetain {
  readonly retain: number;
  readonly attributes?: AttributesPatch;
}

/** Keep one block marker and change its block's type and/or the attributes in `attrs` (`null` removes one). */
export interface FlatRetainBlock {
  readonly retain: 1;
  readonly block: { readonly type?: string; readonly attrs?: AttributesPatch };
}

/** Insert text with exactly `attributes` (none when absent). */
export interface FlatInsertText {
  readonly insert: string;
  readonly attributes?: Attributes;
}

/**
 * Insert one block marker: inside a block's text it splits the block (the new block, of this
 * type, holds the text after the marker); between blocks it adds an empty block.
 */
export interface FlatInsertBlock {
  readonly insert: { readonly block: BlockInfo & { readonly id?: string } };
}

/** Delete `delete` units; deleting a block's marker joins its text into the block before. */
export interface FlatDelete {
  readonly delete: number;
}

/** One operation of a flat delta. */
export type FlatDeltaOp = FlatRetain | FlatRetainBlock | FlatInsertText | FlatInsertBlock | FlatDelete;

/** One block as `BlocksLike.blocks()` lists it. */
export interface BlockEntry extends BlockInfo {
  readonly id: string;
  /** Flat index of its marker. */
  readonly start: number;
  /** Length of its text (the marker not counted). */
  readonly length: number;
}

/** A change event of a blocks container. */
export interface BlocksChangeEvent {
  /** What changed, as a flat delta against the content before the transaction. */
  readonly blocksDelta: readonly FlatDeltaOp[];
  /** The transaction's origin. */
  readonly origin: unknown;
  /** True for changes made by this replica. */
  readonly local: boolean;
}

/** What the binding needs from a shared sequence of blocks (core's `Blocks`). */
export interface BlocksLike {
  /** The text holding the blocks (the undo manager's scope; its document is the blocks'). */
  readonly text: Text;
  /** Flat length: one unit per block plus the length of every block's text. */
  readonly length: number;
  readonly blockCount: number;
  /** Every block in order. */
  blocks(): readonly BlockEntry[];
  /** Rich text of block `index`. */
  blockDelta(index: number): TextDeltaInsert[];
  /** Every block with its rich text. */
  toJSON(): readonly FlatBlock[];
  /** The index in `text` where text typed at flat position `flatIndex` (>= 1) goes. */
  textIndexOf(flatIndex: number): number;
  /** The flat position of index `textIndex` of `text`. */
  flatIndexOf(textIndex: number): number;
  /** Apply a flat delta as one change. */
  applyFlatDelta(delta: readonly FlatDeltaOp[]): void;
  /** Move block `fromBlock` to index `toBlock` (as `splice` would), keeping its identity. */
  move(fromBlock: number, toBlock: number): void;
  /** Call `listener` after every transaction that changed the blocks; returns the unsubscribe. */
  observe(listener: (event: BlocksChangeEvent) => void): () => void;
}

/** JSON with object keys sorted, so equal values give equal strings. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Flat length of `blocks` (a marker per block plus their text). */
export function flatLength(blocks: readonly FlatBlock[]): number {
  let n = 0;
  for (const block of blocks) {
    n += 1;
    for (const run of block.content) n += run.insert.length;
  }
  return n;
}
