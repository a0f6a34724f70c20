/** The shared counter as an Accord `Counter` (a PN-counter inside the document). */
import type { Counter, Doc } from '@accord/core';
import type { CounterModel } from '../model/counter-model.js';

/** A `CounterModel` over one `Counter` of a `Doc`. */
export class DocCounterModel implements CounterModel {
  readonly #doc: Doc;
  readonly #counter: Counter;

  constructor(doc: Doc, counter: Counter) {
    this.#doc = doc;
    this.#counter = counter;
  }

  value(): number {
    return this.#counter.value;
  }

  add(amount: number): void {
    if (!Number.isSafeInteger(amount) || amount === 0) return;
    this.#doc.transact(() => {
      if (amount > 0) this.#counter.increment(amount);
      else this.#counter.decrement(-amount);
    });
  }

  subscribe(listener: () => void): () => void {
    return this.#counter.observe(() => listener());
  }
}
