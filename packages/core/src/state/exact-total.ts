/**
 * The exact running total of safe-integer amounts, shared by every counter. Adding doubles is not
 * associative once a sum leaves the safe integer range (2^53 - 1 + 2 rounds differently from
 * 2 + 2^53 - 1), so a counter that added remote amounts in arrival order could end on different
 * values on replicas that saw the same increments in different orders. This total stays a plain
 * number while it is exact and switches to a `bigint` the moment it would not be: the total is
 * then still exact, and {@link ExactTotal.value} is its nearest double, the same on every replica.
 */

/** The safe integer range as bigints. */
const MAX = BigInt(Number.MAX_SAFE_INTEGER);
const MIN = -MAX;

/** A running sum of safe integers, exact whatever the order of additions. */
export class ExactTotal {
  /** The total while it is a safe integer. */
  private small = 0;
  /** The exact total once it left the safe range (then `small` is unused). */
  private big: bigint | null = null;

  /** The total as a number: exact while {@link ExactTotal.safe}, else its nearest double. */
  get value(): number {
    return this.big === null ? this.small : Number(this.big);
  }

  /** True while the total is a safe integer (then {@link ExactTotal.value} is exact). */
  get safe(): boolean {
    return this.big === null || (this.big >= MIN && this.big <= MAX);
  }

  /** The exact total. */
  get exact(): bigint {
    return this.big ?? BigInt(this.small);
  }

  /**
   * True when adding `amount` (a safe integer) leaves the total a safe integer. Two safe
   * integers add exactly in doubles when, and only when, their sum is safe, so this is one
   * addition while the total is small.
   */
  canAdd(amount: number): boolean {
    if (this.big === null) return Number.isSafeInteger(this.small + amount);
    const next = this.big + BigInt(amount);
    return next >= MIN && next <= MAX;
  }

  /** Add `amount` (a safe integer; not checked). */
  add(amount: number): void {
    if (this.big !== null) {
      this.big += BigInt(amount);
      return;
    }
    const next = this.small + amount;
    if (Number.isSafeInteger(next)) this.small = next;
    else this.big = BigInt(this.small) + BigInt(amount);
  }

  /** An independent copy. */
  clone(): ExactTotal {
    const copy = new ExactTotal();
    copy.small = this.small;
    copy.big = this.big;
    return copy;
  }
}
