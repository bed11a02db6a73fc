import { createRoute, z } from '@hono/zod-openapi';
import { openDatabase } from '../src/db/client.ts';
import { createRouter } from '../src/http/app.ts';
import { jsonContent } from '../src/http/openapi.ts';
import { checkHealth } from '../src/health.ts';
import { VERSION } from '../src/version.ts';

const HealthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    version: z.string(),
    d1: z.object({ ok: z.boolean(), error: z.string().optional() }),
    counts: z.object({ eventsLogged: z.number().int(), items: z.number().int() }).optional(),
  })
  .openapi('Health');

/** `GET /health`: no key needed. */
export const health = createRouter();

health.openapi(
  createRoute({
    method: 'get',
    path: '/health',
    tags: ['ops'],
    summary: 'Version, D1 reachability and counts',
    responses: { 200: jsonContent(HealthSchema, 'Health (status `degraded` when D1 does not answer)') },
  }),
  async (c) => c.json(await checkHealth(openDatabase(c.env.DB), VERSION), 200),
);
