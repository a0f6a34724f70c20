/**
 * The change events of `Blocks`: its listeners, the state it last reported to them, and the
 * delta of each transaction, read from the text's change event. A change that leaves the block
 * structure alone shifts the last layout instead of reading the text again (`blocks-shift.ts`),
 * and only the blocks the text change met are read again (`blocks-reuse.ts`).
 */

import type { BlockJSON, BlocksDelta } from './blocks-delta.js';
import { diffBlocks } from './blocks-delta.js';
import { editMap } from './blocks-edits.js';
import type { Layout } from './blocks-laid.js';
import { nextState } from './blocks-reuse.js';
import { shiftLayout } from './blocks-shift.js';
import type { ChangeEvent } from './container.js';
import type { Text } from './text.js';

/** What the events read from and write to a `Blocks`: its text, layout and layout cache. @internal */
export interface ObservedBlocks {
  /** The text holding the blocks. */
  readonly text: Text;
  /** The current layout (cached until the text or its marks change). */
  layout(): Layout;
  /** Every block with its content. */
  toJSON(): BlockJSON[];
  /** True when the cached layout is the text's as it is. */
  cacheCurrent(): boolean;
  /** Cache `layout` as the text's current one. */
  keep(layout: Layout): void;
}

/** The event of one transaction, with `target` the blocks observed (`BlocksChangeEvent`). @internal */
export interface BlocksEventOf<T> {
  /** The blocks that changed. */
  target: T;
  /** The change over the flat sequence. */
  blocksDelta: BlocksDelta;
  /** The transaction origin. */
  origin: unknown;
  /** True for changes made by this replica, false for applied updates. */
  local: boolean;
}

/** The listeners of one `Blocks` (`T`) and the state it last reported to them. @internal */
export class BlocksObservers<T extends ObservedBlocks> {
  private listeners: ((event: BlocksEventOf<T>) => void)[] = [];
  private lastState: BlockJSON[] | null = null;
  /** The layout `lastState` was read from. */
  private lastLayout: Layout | null = null;
  private stopText: (() => void) | null = null;

  /** `Blocks.observe` on `view`: call `fn` after every transaction that changed the blocks. */
  add(view: T, fn: (event: BlocksEventOf<T>) => void): () => void {
    if (this.listeners.length === 0) {
      this.lastState = view.toJSON();
      this.lastLayout = view.layout();
      this.stopText = view.text.observe((ev) => this.onTextEvent(view, ev));
    }
    this.listeners.push(fn);
    return () => this.remove(fn);
  }

  /** `Blocks.unobserve`: stop calling `fn`. */
  remove(fn: (event: BlocksEventOf<T>) => void): void {
    const i = this.listeners.indexOf(fn);
    if (i < 0) return;
    this.listeners.splice(i, 1);
    if (this.listeners.length === 0) {
      this.stopText?.();
      this.stopText = null;
      this.lastState = null;
      this.lastLayout = null;
    }
  }

  private onTextEvent(view: T, textEvent: ChangeEvent): void {
    const { origin, local, textDelta } = textEvent;
    const prev = this.lastState;
    const prevLayout = this.lastLayout;
    const edits = prevLayout === null || textDelta === undefined ? null : editMap(textDelta);
    // A change that leaves the structure alone shifts the last layout instead of reading the text.
    if (!view.cacheCurrent() && prevLayout !== null && edits !== null) {
      const shifted = shiftLayout(prevLayout, edits, view.text.seq);
      if (shifted !== null) view.keep(shifted);
    }
    const layout = view.layout();
    // Only the blocks the text change met are read again (see `nextState`).
    const next =
      prev === null || prevLayout === null || edits === null
        ? view.toJSON()
        : nextState(prevLayout, prev, layout, (from, to) => view.text.spansIn(from, to), edits);
    const blocksDelta = diffBlocks(prev ?? [], next);
    this.lastState = next;
    this.lastLayout = layout;
    if (blocksDelta.length === 0) return;
    const ev: BlocksEventOf<T> = { target: view, blocksDelta, origin, local };
    let failure: { error: unknown } | null = null;
    for (const fn of this.listeners.slice()) {
      try {
        fn(ev);
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure !== null) throw failure.error;
  }
}
