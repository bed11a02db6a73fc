import { z } from '@hono/zod-openapi';

/** A point in time as the API takes it: ms since the epoch, or an ISO 8601 date or date-time; parsed to ms. */
export const TimestampSchema = z
  .union([z.number().int().nonnegative(), z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 date or ms since the epoch')])
  .transform((t) => (typeof t === 'number' ? t : Date.parse(t)));
