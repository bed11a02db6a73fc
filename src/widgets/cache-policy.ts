/**
 * Cache-Control of a non-personal widget: browsers keep it 10 seconds (then revalidate with the
 * ETag, which changes with the catalog), the edge five minutes under a key that changes with the
 * table version and the catalog, so a price change reaches shoppers within seconds.
 */
export const SHARED_CACHE = 'public, max-age=10, s-maxage=300, stale-while-revalidate=60';

/** Cache-Control of a personal widget, and of a fallback answer (never kept). */
export const NO_STORE = 'private, no-store';

/** Cache-Control of widget.js: an hour fresh, then revalidated in the background for a day. */
export const SHARED_SCRIPT_CACHE = 'public, max-age=3600, stale-while-revalidate=86400';

/**
 * The ETag of a non-personal widget: a hash of the table version that answers and the
 * normalised query. Weak, because the bytes (the rid) may differ between edge locations.
 */
export async function widgetEtag(version: string, kind: string, query: string): Promise<string> {
  return `W/"${await shortHash(`${version}\n${kind}\n${query}`)}"`;
}

/** A strong ETag of a script's text. */
export async function scriptEtag(text: string): Promise<string> {
  return `"${await shortHash(text)}"`;
}

/** Whether an If-None-Match header names this ETag (weak comparison, lists and `*` allowed). */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag));
}

/** The Cache API key of a widget answer: its canonical URL without the key, plus the version. */
export function widgetCacheKey(origin: string, kind: string, query: string, version: string): Request {
  return new Request(`${origin}/v1/widgets/${kind}?${query}&v=${encodeURIComponent(version)}`);
}

async function shortHash(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest).slice(0, 12)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
