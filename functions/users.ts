import { createRoute, z } from '@hono/zod-openapi';
import { r2ArchiveBucket } from '../src/archive/bucket.ts';
import { archiveEraser } from '../src/archive/erase.ts';
import { audienceEraser } from '../src/audiences/erase-audiences.ts';
import { IdSchema } from '../src/collect/event-schema.ts';
import { openDatabase } from '../src/db/client.ts';
import { createRouter } from '../src/http/app.ts';
import { requireKey } from '../src/http/auth.ts';
import { errorResponses, jsonContent } from '../src/http/openapi.ts';
import { eraseUser } from '../src/privacy/erase-user.ts';
import { profileEraser } from '../src/privacy/profile-eraser.ts';
import { openTableStore } from '../src/tables/open-store.ts';

/** Privacy endpoints (admin key). */
export const users = createRouter();

users.openapi(
  createRoute({
    method: 'delete',
    path: '/v1/users/{id}',
    tags: ['privacy'],
    summary: 'Erase every event and derived record of a user',
    security: [{ adminKey: [] }],
    middleware: requireKey('admin'),
    request: { params: z.object({ id: IdSchema.openapi({ param: { name: 'id', in: 'path' } }) }) },
    responses: {
      200: jsonContent(
        z.object({
          user: z.string(),
          deleted: z.record(z.string(), z.number().int()).openapi({ description: 'Rows or records removed, per store.' }),
          pending: z.array(z.string()).openapi({ description: 'Stores that could not be reached: their derived records go at the next rebuild.' }),
        }),
        'What went, per store',
      ),
      ...errorResponses,
    },
  }),
  async (c) => {
    const user = c.req.valid('param').id;
    const db = openDatabase(c.env.DB);
    const holders = [profileEraser(openTableStore(c.env), db), audienceEraser(db)];
    if (c.env.ARCHIVE) holders.push(archiveEraser(r2ArchiveBucket(c.env.ARCHIVE), db));
    return c.json({ user, ...(await eraseUser(db, user, holders)) }, 200);
  },
);
