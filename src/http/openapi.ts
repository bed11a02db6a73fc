import type { z } from '@hono/zod-openapi';
import { ErrorSchema } from './errors.ts';

/** An OpenAPI response (or body) whose content is JSON of the given schema. */
export function jsonContent<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

/** The 4xx answers every authenticated endpoint can give, in the one error shape. */
export const errorResponses = {
  400: jsonContent(ErrorSchema, 'Invalid input; `error.field` names the field'),
  401: jsonContent(ErrorSchema, 'Missing key'),
  403: jsonContent(ErrorSchema, 'Key not valid for this endpoint'),
} as const;

/** A 404 answer in the one error shape. */
export const notFoundResponse = { 404: jsonContent(ErrorSchema, 'Not found') } as const;

/** OpenAPI security of endpoints a browser calls without headers: the ingest key in `?key=` (or the header). */
export const queryKeySecurity: { [scheme: string]: string[] }[] = [{ ingestKeyQuery: [] }, { ingestKey: [] }];

/** A 429 answer of the rate-limited public paths. */
export const rateLimitedResponse = { 429: jsonContent(ErrorSchema, 'Past the rate limit; `Retry-After` says when to try again') } as const;
