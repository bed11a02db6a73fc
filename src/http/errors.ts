import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** The one error shape of the API: `{ error: { code, message, field? } }`. */
export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'invalid_request' }),
      message: z.string(),
      field: z.string().optional().openapi({ description: 'The request field at fault, as a path (`events.3.type`).' }),
    }),
  })
  .openapi('Error');

export type ErrorBody = z.infer<typeof ErrorSchema>;

/** An error a handler throws to answer with the API's error shape and a 4xx (or 503) status, plus optional headers (`Retry-After`). */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: string;
  readonly field: string | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(status: ContentfulStatusCode, code: string, message: string, field?: string, headers?: Record<string, string>) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
    this.headers = headers;
  }
}

/** Builds the error body. */
export function errorBody(code: string, message: string, field?: string): ErrorBody {
  return { error: field === undefined ? { code, message } : { code, message, field } };
}

/** Joins a zod issue path into the dotted field name the API reports (`events.3.type`). */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

/** Turns the first issue of a failed zod parse into an ApiError naming the field. */
export function validationError(error: z.ZodError, prefix: readonly PropertyKey[] = []): ApiError {
  const issue = error.issues[0];
  const field = fieldPath([...prefix, ...(issue?.path ?? [])]);
  return new ApiError(400, 'invalid_request', issue?.message ?? 'Invalid request', field || undefined);
}

/** Hono error handler: ApiError and HTTPException keep their status; anything else is a 500 in the same shape. */
export function handleError(err: Error, c: Context): Response {
  if (err instanceof ApiError) {
    return c.json(errorBody(err.code, err.message, err.field), err.status, err.headers);
  }
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    const code = status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : 'invalid_request';
    const message = err.message || (status === 400 ? 'Malformed request body' : 'Request rejected');
    return c.json(errorBody(code, message, status === 400 ? 'body' : undefined), status);
  }
  console.error('unhandled error', err);
  return c.json(errorBody('internal', 'Internal error'), 500);
}
