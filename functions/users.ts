import { createRoute, z } from '@hono/zod-openapi';
import { IdSchema } from '../src/collect/event-schema.ts';
import { openDatabase } from '../src/db/client.ts';
import { createRouter } from '../src/http/app.ts';
import { requireKey } from '../src/http/auth.ts';
import { errorResponses, jsonContent } from '../src/http/openapi.ts';
import { eraseUser } from '../src/privacy/erase-user.ts';

/** Privacy endpoints (admin key). */
export const users = createRouter();

users.use('/v1/users/*', requireKey('admin'));

users.openapi(
  createRoute({
    method: 'delete',
    path: '/v1/users/{id}',
    tags: ['privacy'],
    summary: "Erase every event and derived record of a user",
    security: [{ adminKey: [] }],
    request: { params: z.object({ id: IdSchema.openapi({ param: { name: 'id', in: 'path' } }) }) },
    responses: {
      200: jsonContent(z.object({ user: z.string(), deleted: z.record(z.string(), z.number().int()) }), 'What went, per store'),
      ...errorResponses,
    },
  }),
  async (c) => {
    const user = c.req.valid('param').id;
    return c.json({ user, deleted: await eraseUser(openDatabase(c.env.DB), user) }, 200);
  },
);
