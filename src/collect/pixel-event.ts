/** A 1x1 transparent GIF, the answer to a pixel request. */
export const PIXEL_GIF = Uint8Array.from(atob('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7'), (ch) => ch.charCodeAt(0));

const NUMERIC = new Set(['value', 'ts']);
const RESERVED = new Set(['key', 'token']);

/**
 * Turns the query string of a pixel request into one event: numbers for `value` and `ts`,
 * a comma list for `items`, `ctx.*` parameters into `context`. Validation happens later.
 */
export function eventFromQuery(query: Record<string, string>): Record<string, unknown> {
  const event = new Map<string, unknown>();
  const context = new Map<string, string>();
  for (const [name, raw] of Object.entries(query)) {
    if (RESERVED.has(name)) continue;
    if (name.startsWith('ctx.')) context.set(name.slice(4), raw);
    else if (NUMERIC.has(name)) event.set(name, raw.trim() === '' ? raw : Number(raw));
    else if (name === 'items') event.set('items', raw.split(',').filter(Boolean));
    else event.set(name, raw);
  }
  if (context.size) event.set('context', Object.fromEntries(context));
  return Object.fromEntries(event);
}
