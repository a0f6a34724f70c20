/**
 * A fixed-capacity map from non-negative safe integers (update keys: 53-bit hashes of an update's
 * bytes, or `replica * 2^20 + clock`) to update indexes, for the relay load generator.
 *
 * Written by hand rather than a `Map` because the generator looks a key up for every frame it
 * receives (75,000 a second at 25,000 updates/s to documents of four clients) and stores one for
 * every update it sends: a `Map` keyed by numbers above 2^31 boxes each key as a heap number, and
 * its growth and garbage took a sixth of the generator's CPU, on the two cores it shares with the
 * server it measures. Here keys and values live in two typed arrays sized once (open addressing,
 * linear probing, no deletion): nothing is allocated per key.
 */

/** Maps keys to indexes; `capacity` keys at most. */
export class KeyIndex {
  private readonly keys: Float64Array;
  /** Index + 1 per slot; 0 marks an empty slot. */
  private readonly values: Int32Array;
  private readonly mask: number;
  private count = 0;

  /**
   * @param capacity how many keys it must hold (its table is the next power of two at least
   *   twice that, so probes stay short).
   * @throws RangeError when `capacity` is not a non-negative safe integer below 2^29.
   */
  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 0 || capacity >= 2 ** 29)
      throw new RangeError(`KeyIndex capacity ${capacity} out of range`);
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.keys = new Float64Array(size);
    this.values = new Int32Array(size);
    this.mask = size - 1;
  }

  /** Whether `key` can be a key (a non-negative safe integer). */
  static holds(key: number): boolean {
    return Number.isSafeInteger(key) && key >= 0;
  }

  /** Keys held. */
  get size(): number {
    return this.count;
  }

  /** The slot a key starts probing at: its low 32 bits mixed, then masked. */
  private start(key: number): number {
    const lo = key % 4294967296;
    const hi = (key - lo) / 4294967296;
    return (Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b) ^ (lo >>> 15)) & this.mask;
  }

  /**
   * Map `key` to `index` (replacing what it mapped to).
   * @throws RangeError on a key that is not a non-negative safe integer, an index that is not a
   *   non-negative int32 below 2^31 - 1, or a new key beyond the capacity.
   */
  set(key: number, index: number): void {
    if (!KeyIndex.holds(key)) throw new RangeError(`KeyIndex key ${key} is not a safe integer ≥ 0`);
    if (!Number.isInteger(index) || index < 0 || index >= 0x7fffffff)
      throw new RangeError(`KeyIndex index ${index} out of range`);
    let slot = this.start(key);
    for (;;) {
      const v = this.values[slot] as number;
      if (v === 0) {
        if (this.count >= this.capacity) throw new RangeError(`KeyIndex full (${this.capacity} keys)`);
        this.keys[slot] = key;
        this.values[slot] = index + 1;
        this.count++;
        return;
      }
      if (this.keys[slot] === key) {
        this.values[slot] = index + 1;
        return;
      }
      slot = (slot + 1) & this.mask;
    }
  }

  /** The index `key` maps to, or -1. */
  get(key: number): number {
    let slot = this.start(key);
    for (;;) {
      const v = this.values[slot] as number;
      if (v === 0) return -1;
      if (this.keys[slot] === key) return v - 1;
      slot = (slot + 1) & this.mask;
    }
  }
}
