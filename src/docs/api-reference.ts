import { swaggerUI } from '@hono/swagger-ui';
import type { MiddlewareHandler } from 'hono';

/** Swagger UI release the reference page loads (from jsDelivr, pinned to major 5). */
export const SWAGGER_UI_VERSION = '5';

/**
 * The reference page's own policy: Swagger UI's script and styles from jsDelivr and its inline
 * start-up script; requests (the document, "try it out") to this engine only. The page holds no
 * catalog or shopper data, only the OpenAPI document it fetches.
 */
export const DOCS_CSP =
  "default-src 'none'; script-src https://cdn.jsdelivr.net 'unsafe-inline'; style-src https://cdn.jsdelivr.net 'unsafe-inline'; img-src https: data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** `GET /docs`: the interactive API reference (Swagger UI) over `/openapi.json`. */
export function apiReference(): MiddlewareHandler {
  const page = swaggerUI({ url: '/openapi.json', version: SWAGGER_UI_VERSION, title: 'edge-personalize API', persistAuthorization: false });
  return async (c, next) => {
    const res = await page(c, next);
    (res ?? c.res).headers.set('content-security-policy', DOCS_CSP);
    return res ?? c.res;
  };
}
