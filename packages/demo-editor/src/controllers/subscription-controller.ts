/**
 * Re-render a Lit host whenever a model it shows reports a change. The model may be swapped
 * (another document opened): the controller follows whatever `source()` returns at each update.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Anything that can be subscribed to for change notifications. */
export interface Subscribable {
  subscribe(listener: () => void): () => void;
}

/** Subscribes its host to `source()` while connected, and requests an update on every change. */
export class SubscriptionController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #source: () => Subscribable | undefined;
  #current: Subscribable | undefined;
  #unsubscribe: (() => void) | undefined;

  constructor(host: ReactiveControllerHost, source: () => Subscribable | undefined) {
    this.#host = host;
    this.#source = source;
    host.addController(this);
  }

  hostConnected(): void {
    this.#follow();
  }

  hostUpdate(): void {
    this.#follow();
  }

  hostDisconnected(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#current = undefined;
  }

  #follow(): void {
    const next = this.#source();
    if (next === this.#current) return;
    this.#unsubscribe?.();
    this.#current = next;
    this.#unsubscribe = next?.subscribe(() => this.#host.requestUpdate());
  }
}
