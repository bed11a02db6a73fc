import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import type { Env } from '../env.ts';
import type { ShopperAccess } from '../security/shopper-access.ts';
import { ApiError, handleError, validationError } from './errors.ts';
import { securityHeaders } from './security-headers.ts';

/** Hono environment of every router of the engine. */
export type AppEnv = {
  Bindings: Env;
  Variables: {
    /** Set by `requireKey`: which key the request carried. */
    keyRole?: 'admin' | 'ingest';
    /** Set by `rateLimit` once the request has been counted. */
    rateCounted?: boolean;
    /** Set by `shopperAccess`: who the request may act for. */
    shopper?: ShopperAccess;
  };
};

/** Largest request body the API reads (1 MB). */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * A router whose zod-validated routes answer bad input with the API's error shape
 * (400, naming the field). Every function module builds its routes on one of these.
 */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error, result.target === 'json' ? [] : [result.target]);
    },
  });
}

/**
 * Allowed CORS origin for a request origin, from `ALLOWED_ORIGINS` (comma list). Unset or
 * empty allows no foreign origin. `*` allows any real origin on the public paths, but never the
 * opaque `null` origin and never the admin paths, where only a listed origin is allowed.
 */
export function allowedOrigin(origin: string, configured: string | undefined, path = '/'): string | null {
  if (!origin) return null;
  const list = (configured ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.includes(origin)) return origin;
  return list.includes('*') && origin !== 'null' && !path.startsWith('/v1/admin') ? origin : null;
}

/**
 * The engine's HTTP app: CORS for the shop's origins, a 1 MB body limit, one error shape,
 * and the OpenAPI document at `/openapi.json` covering every mounted router.
 */
export function createApp(version: string): OpenAPIHono<AppEnv> {
  const app = createRouter();
  app.use('*', securityHeaders());
  app.use(
    '*',
    cors({
      origin: (origin, c) => allowedOrigin(origin, c.env.ALLOWED_ORIGINS, c.req.path),
      allowHeaders: ['Authorization', 'Content-Type', 'X-User-Token'],
      allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      exposeHeaders: ['ETag', 'Retry-After'],
      maxAge: 86400,
    }),
  );
  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new ApiError(413, 'payload_too_large', `Request body over ${MAX_BODY_BYTES} bytes`, 'body');
      },
    }),
  );
  app.onError(handleError);
  app.notFound((c) => c.json({ error: { code: 'not_found', message: `No route for ${c.req.method} ${c.req.path}` } }, 404));
  app.openAPIRegistry.registerComponent('securitySchemes', 'ingestKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'Public ingest key (collection and read-only endpoints).',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'ingestKeyQuery', {
    type: 'apiKey',
    in: 'query',
    name: 'key',
    description: 'The public ingest key in the URL, for beacons, pixels and widgets (never the admin key).',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'adminKey', { type: 'http', scheme: 'bearer', description: 'Secret admin key.' });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'edge-personalize', version, description: 'Personalization engine for online shops on Cloudflare Workers.' },
  });
  return app;
}
