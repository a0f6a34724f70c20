/**
 * How a committed transaction's events reach their listeners: each changed container's own event,
 * then one batch per ancestor that listens deeply.
 */
import type { ChangeEvent, Container } from './container.js';
import type { Transaction } from './transaction.js';

/**
 * Emit the events of transaction `t` for the containers it changed (`dirty`, in order), then to
 * deep listeners of their ancestors. `guard` runs each listener call (it keeps the first error and
 * lets the other listeners run).
 */
export function deliverEvents(
  dirty: readonly Container[],
  t: Transaction,
  guard: (fn: () => void) => void,
): void {
  const deep = new Map<Container, ChangeEvent[]>();
  for (const c of dirty) {
    const ev = c.takeEvent(t.origin, t.local);
    if (ev === null) continue;
    guard(() => c.emit(ev));
    for (let a: Container | null = c; a !== null; a = a.parent) {
      if (!a.hasDeepListeners) continue;
      let list = deep.get(a);
      if (list === undefined) {
        list = [];
        deep.set(a, list);
      }
      list.push(ev);
    }
  }
  for (const [c, events] of deep) guard(() => c.emitDeep(events));
}
