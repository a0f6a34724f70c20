/** A growable store of latency samples (ms) with percentiles. */
import { percentileSorted } from '../stats/summary.js';

/** Collects samples; {@link LatencySamples.percentile} sorts once and caches. */
export class LatencySamples {
  private data = new Float64Array(1024);
  private n = 0;
  private sorted: Float64Array | null = null;

  /** Adds one sample. */
  add(ms: number): void {
    if (this.n === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.n++] = ms;
    this.sorted = null;
  }

  /** Number of samples. */
  get count(): number {
    return this.n;
  }

  /** Nearest-rank percentile (0..100); NaN without samples. */
  percentile(p: number): number {
    if (this.sorted === null) this.sorted = this.data.slice(0, this.n).sort();
    return percentileSorted(this.sorted, p);
  }
}
