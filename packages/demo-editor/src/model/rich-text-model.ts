/** What the rich-text editor needs from the document: its blocks, undo and the editor's origin. */
import type { Blocks, UndoManager } from '@accord/core';

/** Shared rich text (blocks of formatted text) bound to one document. */
export interface RichTextModel {
  /** The blocks (paragraphs, headings, list items, code blocks, quotes) with their marks. */
  readonly blocks: Blocks;
  /** The undo manager of this tab's rich-text edits (tracks `origin`). */
  readonly undoManager: UndoManager;
  /** Origin of this editor's own transactions. */
  readonly origin: object;
  /** Stop tracking undo history. */
  destroy(): void;
}
