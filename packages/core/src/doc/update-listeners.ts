/**
 * A document's `'update'` listeners and how a commit calls them: each with the transaction's
 * bytes and origin, in the order they were added, every one of them even when one throws (no
 * change may be lost to sync), with no closure per call.
 */
import { emptyObjectArray } from '../object-array.js';
import type { UpdateListener } from './doc-options.js';

/** The listeners of one document's `'update'` event. */
export class UpdateListeners {
  private readonly list = emptyObjectArray<UpdateListener>();

  /** Number of listeners. */
  get size(): number {
    return this.list.length;
  }

  /** Add `fn` (again, if it is already there: it is then called twice). */
  add(fn: UpdateListener): void {
    this.list.push(fn);
  }

  /** Remove one registration of `fn`, if any. */
  remove(fn: UpdateListener): void {
    const i = this.list.indexOf(fn);
    if (i >= 0) this.list.splice(i, 1);
  }

  /**
   * Call every listener with `bytes` and `origin`. Listeners added or removed by a listener
   * take effect from the next update. Returns the first error a listener threw, or null.
   */
  notify(bytes: Uint8Array, origin: unknown): { error: unknown } | null {
    // A copy of the list, but none for a lone listener (a provider's): it is called either way.
    const lone = this.list.length === 1;
    const listeners = lone ? this.list : this.list.slice();
    let failure: { error: unknown } | null = null;
    for (let k = 0; k < listeners.length; k++) {
      try {
        (listeners[k] as UpdateListener)(bytes, origin);
      } catch (error) {
        if (failure === null) failure = { error };
      }
      if (lone) break;
    }
    return failure;
  }
}
