import type { MiddlewareHandler } from 'hono';

/**
 * What an HTML answer may load if opened on its own: images and inline styles only (a widget
 * fragment is inserted into the shop's page by `widget.js`, which runs under the shop's policy).
 */
export const HTML_CSP = "default-src 'none'; img-src https: data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * Middleware: `X-Content-Type-Options: nosniff` on every answer, and the restrictive
 * {@link HTML_CSP} on every HTML answer that does not set its own policy.
 */
export function securityHeaders(): MiddlewareHandler {
  return async function securityHeadersMiddleware(c, next) {
    await next();
    let headers = c.res.headers;
    const html = headers.get('content-type')?.startsWith('text/html') ?? false;
    const wanted: [string, string][] = [['x-content-type-options', 'nosniff']];
    if (html && !headers.has('content-security-policy')) wanted.push(['content-security-policy', HTML_CSP]);
    try {
      for (const [name, value] of wanted) headers.set(name, value);
    } catch {
      c.res = new Response(c.res.body, c.res);
      headers = c.res.headers;
      for (const [name, value] of wanted) headers.set(name, value);
    }
  };
}
