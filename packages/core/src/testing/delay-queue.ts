/**
 * A binary min-heap of packets ordered by the time they become ready, then by insertion order,
 * so the simulated network finds due messages in O(log n) instead of scanning all in flight.
 */

/** Something scheduled: ready at `readyAt`, ties broken by the unique, increasing `order`. */
export interface Scheduled {
  readyAt: number;
  order: number;
}

/** Min-heap of {@link Scheduled} items (internal to the seeded network). */
export class DelayQueue<P extends Scheduled> {
  private readonly heap: P[] = [];

  /** Number of items held. */
  get size(): number {
    return this.heap.length;
  }

  /** The earliest item, without removing it. */
  peek(): P | undefined {
    return this.heap[0];
  }

  /** Add an item. */
  push(item: P): void {
    const h = this.heap;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i] as P, h[parent] as P)) break;
      swap(h, i, parent);
      i = parent;
    }
  }

  /** Remove and return the earliest item. */
  pop(): P | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last !== undefined) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l] as P, h[m] as P)) m = l;
        if (r < h.length && before(h[r] as P, h[m] as P)) m = r;
        if (m === i) break;
        swap(h, i, m);
        i = m;
      }
    }
    return top;
  }
}

function before(a: Scheduled, b: Scheduled): boolean {
  return a.readyAt !== b.readyAt ? a.readyAt < b.readyAt : a.order < b.order;
}

function swap<P>(h: P[], i: number, j: number): void {
  const t = h[i] as P;
  h[i] = h[j] as P;
  h[j] = t;
}
