/**
 * A delete set: per client, the ranges of deleted ids, as a flat array `[start, len, start, len, ...]`.
 * Appending a range that touches the previous one extends it, so sequential deletes stay one range.
 */

/** Deleted id ranges by client. */
export class DeleteSet {
  readonly clients = new Map<number, number[]>();

  /** True when no range is recorded. */
  get isEmpty(): boolean {
    return this.clients.size === 0;
  }

  /** Record ids `clock .. clock + len - 1` of `client` as deleted. */
  add(client: number, clock: number, len: number): void {
    const r = this.clients.get(client);
    if (r === undefined) {
      this.clients.set(client, [clock, len]);
      return;
    }
    const n = r.length;
    const lastStart = r[n - 2] as number;
    const lastLen = r[n - 1] as number;
    if (lastStart + lastLen === clock) r[n - 1] = lastLen + len;
    else if (clock + len === lastStart) {
      r[n - 2] = clock;
      r[n - 1] = lastLen + len;
    } else r.push(clock, len);
  }

  /** Sort and merge every client's ranges (call before encoding or comparing). */
  normalize(): this {
    for (const [client, r] of this.clients) {
      const pairs: [number, number][] = [];
      for (let i = 0; i < r.length; i += 2) pairs.push([r[i] as number, r[i + 1] as number]);
      pairs.sort((a, b) => a[0] - b[0]);
      const out: number[] = [];
      for (const [s, l] of pairs) {
        const n = out.length;
        if (n > 0 && (out[n - 2] as number) + (out[n - 1] as number) >= s) {
          const end = Math.max((out[n - 2] as number) + (out[n - 1] as number), s + l);
          out[n - 1] = end - (out[n - 2] as number);
        } else out.push(s, l);
      }
      this.clients.set(client, out);
    }
    return this;
  }

  /** Add every range of `other`. */
  merge(other: DeleteSet): this {
    for (const [client, r] of other.clients) {
      for (let i = 0; i < r.length; i += 2) this.add(client, r[i] as number, r[i + 1] as number);
    }
    return this;
  }

  /** Call `fn` for every range. */
  forEach(fn: (client: number, clock: number, len: number) => void): void {
    for (const [client, r] of this.clients) {
      for (let i = 0; i < r.length; i += 2) fn(client, r[i] as number, r[i + 1] as number);
    }
  }
}
