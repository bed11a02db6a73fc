/** Characters that change meaning in HTML text or a quoted attribute, and what replaces them. */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/**
 * Escapes a string for HTML text and for a double- or single-quoted attribute value.
 *
 * @example
 * escapeHtml('<script>alert(1)</script>'); // '&lt;script&gt;alert(1)&lt;/script&gt;'
 */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (ch) => ENTITIES[ch] ?? ch);
}

/**
 * The URL as a link or image source may carry it: only absolute `http:` and `https:` URLs pass,
 * normalised by the URL parser (so `java\nscript:` tricks and relative paths are dropped).
 * Escape the result before putting it in an attribute.
 *
 * @example
 * safeUrl('javascript:alert(1)'); // null
 * safeUrl('https://shop.example/p/1'); // 'https://shop.example/p/1'
 */
export function safeUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}
