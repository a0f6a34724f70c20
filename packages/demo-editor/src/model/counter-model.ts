/** What the counter widget needs: a shared PN-counter. */
export interface CounterModel {
  /** Sum of every increment and decrement seen so far. */
  value(): number;
  /** Add `amount` (negative to decrement); concurrent adds all count. */
  add(amount: number): void;
  /** Call `listener` after every change, local or remote; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
}
