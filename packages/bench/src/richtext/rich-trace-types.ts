/**
 * The shape of a rich-text trace (`rich-trace.ts` makes them, `replay-rich.ts` replays them): its
 * steps, the formatting expected at the end, and its counts.
 */
import type { AttributesPatch } from '@accord/core';
import type { TracePatch } from '../trace/trace-file.js';

/** One step of a rich trace: a plain transaction or a formatting action. */
export type RichStep =
  | {
      readonly kind: 'edit';
      /** The plain trace's transaction index (its patches, unchanged). */
      readonly txn: number;
      readonly patches: readonly TracePatch[];
      /**
       * Per patch, explicit attributes for its insert (`null` values remove), or undefined to let
       * the text inherit; undefined when no patch has any.
       */
      readonly attributes?: readonly (AttributesPatch | undefined)[];
    }
  | {
      readonly kind: 'format';
      readonly index: number;
      readonly length: number;
      readonly attributes: AttributesPatch;
    };

/** A rich trace and what it holds. */
export interface RichTrace {
  readonly startContent: string;
  readonly endContent: string;
  readonly steps: readonly RichStep[];
  /** The expected formatting at the end, as a delta (attribute names sorted). */
  readonly endDelta: readonly { insert: string; attributes?: Record<string, unknown> }[];
  readonly stats: RichTraceStats;
}

/** Counts of a rich trace. */
export interface RichTraceStats {
  /** Keystrokes (patches) of the plain trace. */
  keystrokes: number;
  /** `format` steps, by what they set. */
  formats: number;
  boldItalic: number;
  unformat: number;
  links: number;
  comments: number;
  /** Typing runs with explicit attributes (Ctrl+B then type). */
  typingRuns: number;
  /** Inserts given explicit attributes (typing runs and the agreement rules). */
  attributedInserts: number;
}
