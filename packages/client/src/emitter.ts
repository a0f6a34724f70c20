/**
 * A minimal typed event emitter (no Node `events` import, so the browser bundle stays small).
 */

/** A map from event name to its listener's signature. */
export type EventMap = { [event: string]: (...args: never[]) => void };

/**
 * Typed `on`/`off`/`once`/`emit`. A listener that throws does not stop the others: the error is
 * reported to `onListenerError` (default: rethrown asynchronously so it shows in the console
 * without breaking the caller's state machine).
 */
export class Emitter<Events extends EventMap> {
  private readonly listeners = new Map<keyof Events, Set<Events[keyof Events]>>();

  /** `onListenerError` receives what listeners throw (default: rethrown in a microtask). */
  constructor(
    private readonly onListenerError: (error: unknown) => void = (error) => {
      queueMicrotask(() => {
        throw error;
      });
    },
  ) {}

  /** Add a listener; returns a function that removes it. */
  on<E extends keyof Events>(event: E, listener: Events[E]): () => void {
    let set = this.listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return () => this.off(event, listener);
  }

  /** Add a listener that runs at most once. Returns a function that removes it. */
  once<E extends keyof Events>(event: E, listener: Events[E]): () => void {
    const wrapper = ((...args: Parameters<Events[E]>) => {
      this.off(event, wrapper);
      (listener as (...a: Parameters<Events[E]>) => void)(...args);
    }) as unknown as Events[E];
    return this.on(event, wrapper);
  }

  /** Remove a listener; a no-op when it is not registered. */
  off<E extends keyof Events>(event: E, listener: Events[E]): void {
    this.listeners.get(event)?.delete(listener);
  }

  /** Call every listener of `event` in registration order with `args`. */
  emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): void {
    const set = this.listeners.get(event);
    if (set === undefined || set.size === 0) return;
    for (const listener of [...set]) {
      try {
        (listener as (...a: Parameters<Events[E]>) => void)(...args);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  /** Drop every listener (used by `destroy()`). */
  clear(): void {
    this.listeners.clear();
  }
}
