/**
 * Where the relay nodes are. The page learns every node of the cluster so the provider can fail
 * over: `?relays=ws://a,ws://b` in the page URL wins, else `/config.json` (written by
 * `pnpm start`, `pnpm dev` and the tests), else the default loopback cluster.
 */

/** The cluster `pnpm start` runs when nothing else is configured. */
export const DEFAULT_RELAYS: readonly string[] = [
  'ws://127.0.0.1:4001',
  'ws://127.0.0.1:4002',
  'ws://127.0.0.1:4003',
];

/** Keep only `ws:`/`wss:` URLs; drop duplicates. */
export function parseRelayList(values: readonly unknown[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const value of values) {
    if (typeof value !== 'string') continue;
    try {
      const url = new URL(value.trim());
      if ((url.protocol === 'ws:' || url.protocol === 'wss:') && !seen.has(url.href)) {
        seen.add(url.href);
        out.push(value.trim());
      }
    } catch {
      // Not a URL: skip it.
    }
  }
  return out;
}

/**
 * The relay URLs for this page. Never throws: a missing or malformed `/config.json` falls back to
 * `DEFAULT_RELAYS`.
 */
export async function loadRelayUrls(
  location: Pick<Location, 'search' | 'origin'>,
  fetchJson: (url: string) => Promise<unknown> = defaultFetchJson,
): Promise<string[]> {
  const fromQuery = new URLSearchParams(location.search).get('relays');
  if (fromQuery) {
    const urls = parseRelayList(fromQuery.split(','));
    if (urls.length > 0) return urls;
  }
  try {
    const config = await fetchJson(new URL('config.json', `${location.origin}/`).href);
    if (config && typeof config === 'object' && 'relays' in config && Array.isArray(config.relays)) {
      const urls = parseRelayList(config.relays);
      if (urls.length > 0) return urls;
    }
  } catch {
    // No config served: use the default cluster.
  }
  return [...DEFAULT_RELAYS];
}

async function defaultFetchJson(url: string): Promise<unknown> {
  const response = await fetch(url, { cache: 'no-store' });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}
