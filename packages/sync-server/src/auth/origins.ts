/**
 * The Origin allow-list checked at the WebSocket upgrade. Patterns are exact origins
 * (`https://app.example.com`), origins with a port wildcard (`http://localhost:*`), or `*`.
 * Requests without an Origin header (non-browser clients, which an Origin check cannot
 * constrain anyway) are allowed; tokens are what protects documents.
 */

/** Origins allowed when none are configured: loopback pages on any port. */
export const DEFAULT_ALLOWED_ORIGINS: readonly string[] = [
  'http://localhost:*',
  'http://127.0.0.1:*',
  'http://[::1]:*',
  'https://localhost:*',
];

/** Compile patterns into a predicate. Matching is case-insensitive; never throws. */
export function originMatcher(patterns: readonly string[]): (origin: string | undefined) => boolean {
  const exact = new Set<string>();
  const portWild: string[] = [];
  let any = false;
  for (const raw of patterns) {
    const p = raw.trim().toLowerCase();
    if (p === '') continue;
    if (p === '*') any = true;
    else if (p.endsWith(':*')) portWild.push(p.slice(0, -2));
    else exact.add(p.replace(/\/+$/, ''));
  }
  return (origin) => {
    if (origin === undefined) return true;
    if (any) return true;
    const o = origin.toLowerCase();
    if (exact.has(o)) return true;
    for (const base of portWild) {
      if (o === base) return true;
      if (o.startsWith(`${base}:`) && /^\d{1,5}$/.test(o.slice(base.length + 1))) return true;
    }
    return false;
  };
}
