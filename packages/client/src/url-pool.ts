/**
 * Which relay URL to try next. The provider starts at a random URL (so a crowd of clients spreads
 * over the cluster) and rotates through the list on every failure, so a dead or refusing node is
 * left at once for the next one.
 */

/** A fixed, non-empty list of relay URLs with a cursor. */
export class UrlPool {
  private readonly urls: readonly string[];
  private index: number;

  /**
   * @param urls relay WebSocket URLs (`ws://` or `wss://`); duplicates are dropped, order kept.
   * @param random uniform `[0, 1)` source that picks the starting URL; inject a seeded one in tests.
   * @throws TypeError when `urls` is empty or holds something that is not a ws/wss URL.
   */
  constructor(urls: readonly string[], random: () => number = Math.random) {
    const unique = [...new Set(urls)];
    if (unique.length === 0) throw new TypeError('WebsocketProvider needs at least one relay URL');
    for (const url of unique) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new TypeError(`not a URL: ${url}`);
      }
      if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
        throw new TypeError(`relay URL must use ws: or wss:, got ${url}`);
      }
    }
    this.urls = unique;
    const r = random();
    this.index = Math.min(
      unique.length - 1,
      Math.max(0, Math.floor((r >= 0 && r < 1 ? r : 0) * unique.length)),
    );
  }

  /** Every URL, in rotation order from the first. */
  get all(): readonly string[] {
    return this.urls;
  }

  /** How many distinct URLs there are. */
  get size(): number {
    return this.urls.length;
  }

  /** The URL to try now. */
  get current(): string {
    return this.urls[this.index] as string;
  }

  /** Move to the next URL (wrapping around) and return it. */
  rotate(): string {
    this.index = (this.index + 1) % this.urls.length;
    return this.current;
  }
}
