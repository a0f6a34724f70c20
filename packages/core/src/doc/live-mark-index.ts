/**
 * A text's marks resolved to visible positions (`mark-index.ts`), kept current through the edits
 * that can move them in place, dropped by anything else and rebuilt on the next read.
 */

import type { Sequence } from '../sequence/sequence.js';
import { AFTER_TOMBSTONES, MarkIndex } from './mark-index.js';
import type { MarkOp, MarkSource } from './marks.js';

/** The kept {@link MarkIndex} of one text and the sequence version it is current at. */
export class LiveMarkIndex {
  /**
   * Every mark resolved to visible positions, valid at sequence version {@link LiveMarkIndex.version};
   * null when stale. Local typing keeps it (each keystroke moves it instead of resolving every
   * anchor again), anything else drops it.
   */
  private ivs: MarkIndex | null = null;
  private version = -1;

  /**
   * @param seq the text's sequence.
   * @param marks the text's marks (read when the index is built).
   */
  constructor(
    private readonly seq: Sequence,
    /** The text whose marks these are (its `marks` field, null until the first). */
    private readonly source: MarkSource,
  ) {}

  /** The text's marks, in arrival order. */
  private marks(): readonly MarkOp[] {
    return this.source.marks ?? [];
  }

  /** True when the index is current (before a local edit that will move it). */
  tracks(): boolean {
    if (this.ivs === null) return false;
    if (this.version === this.seq.index.version) return true;
    this.ivs = null;
    return false;
  }

  /** True while the index exists: the sequence then reports remote edits' positions. */
  get wanted(): boolean {
    return this.ivs !== null;
  }

  /**
   * Move the index through a remote edit (or undo) it was current before (the sequence was at
   * version `before`): boundaries at the place are read from their anchors (see
   * `MarkIndex.insert`). Left to be rebuilt on the next read when it was not current.
   */
  onPositions(before: number, index: number, n: number): void {
    if (this.ivs !== null && this.version === before) this.noteEdit(index, n, AFTER_TOMBSTONES, 0);
  }

  /**
   * Move the index, current before the edit ({@link LiveMarkIndex.tracks}), through it: `n` units
   * inserted at `pos` after the unit (`lc`, `lk`) (n > 0), deleted (n < 0), or none (n = 0).
   */
  noteEdit(pos: number, n: number, lc: number, lk: number): void {
    const ivs = this.ivs as MarkIndex;
    if (n > 0) ivs.insert(pos, n, lc, lk);
    else if (n < 0) ivs.delete(pos, -n);
    if (ivs.broken) this.ivs = null;
    else this.version = this.seq.index.version;
  }

  /** A mark was added to the text: into the index when current, else the index is dropped. */
  add(op: MarkOp): void {
    if (this.ivs !== null && this.version === this.seq.index.version) this.ivs.add(op);
    else this.ivs = null;
  }

  /** The index, current (built from the marks when it was not). */
  current(): MarkIndex {
    const version = this.seq.index.version;
    if (this.ivs === null || this.version !== version) {
      this.ivs = new MarkIndex(this.seq, this.marks());
      this.version = version;
    }
    return this.ivs;
  }
}
