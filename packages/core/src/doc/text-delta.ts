/**
 * Rich-text deltas, in the shape Quill and Yjs use: what `Text.toDelta` returns, what
 * `Text.applyDelta` takes, and what change events of a formatted text carry.
 */

/** Attributes of a run of text: attribute name to JSON value. */
export type Attributes = Record<string, unknown>;

/** Attributes to set (`null` removes the attribute). */
export type AttributesPatch = Record<string, unknown>;

/** Text with its attributes (absent when the text has none). */
export interface TextDeltaInsert {
  /** The text. */
  insert: string;
  /** Its attributes; absent for unformatted text (for `Text.applyDelta`: none). */
  attributes?: Attributes;
}

/** Skip `retain` units; with `attributes`, set those attributes on them (`null` removes one). */
export interface TextDeltaRetain {
  /** Number of units kept. */
  retain: number;
  /** Attributes set on them (`null`: removed); absent when their formatting is unchanged. */
  attributes?: AttributesPatch;
}

/** Delete `delete` units. */
export interface TextDeltaDelete {
  /** Number of units removed. */
  delete: number;
}

/** One operation of a delta. */
export type TextDeltaOp = TextDeltaInsert | TextDeltaRetain | TextDeltaDelete;

/** A delta: operations applied left to right from position 0. */
export type TextDelta = TextDeltaOp[];
