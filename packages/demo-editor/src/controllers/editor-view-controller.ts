/**
 * Keeps one editor view bound to the model a Lit host shows: created in the host's `.surface`
 * once the host has rendered with a model, made again when the model changes (another document
 * opened), destroyed when the host leaves the page. The plain and the rich editor both use it.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** What the controller needs of its host (a `LitElement` is one). */
export type EditorViewHost = ReactiveControllerHost & {
  readonly hasUpdated: boolean;
  readonly renderRoot: HTMLElement | DocumentFragment;
};

/** One view at a time for the host's current model. */
export class EditorViewController<M, V extends { destroy(): void }> implements ReactiveController {
  readonly #host: EditorViewHost;
  readonly #model: () => M | undefined;
  readonly #create: (model: M, surface: HTMLElement) => V;
  #view: V | undefined;
  #boundTo: M | undefined;

  /** `model()` is read after every update; `create` builds the view inside `surface`. */
  constructor(
    host: EditorViewHost,
    model: () => M | undefined,
    create: (model: M, surface: HTMLElement) => V,
  ) {
    this.#host = host;
    this.#model = model;
    this.#create = create;
    host.addController(this);
  }

  /** The view while a model is bound. */
  get view(): V | undefined {
    return this.#view;
  }

  hostConnected(): void {
    if (this.#host.hasUpdated && this.#model() !== this.#boundTo) this.#bind();
  }

  hostUpdated(): void {
    if (this.#model() !== this.#boundTo) this.#bind();
  }

  hostDisconnected(): void {
    this.#view?.destroy();
    this.#view = undefined;
    this.#boundTo = undefined;
  }

  #bind(): void {
    this.#view?.destroy();
    this.#view = undefined;
    const model = this.#model();
    this.#boundTo = model;
    const surface = this.#host.renderRoot.querySelector<HTMLElement>('.surface');
    if (model === undefined || surface === null) return;
    this.#view = this.#create(model, surface);
  }
}
