import { createRoute, z } from '@hono/zod-openapi';
import { deleteItem, getItem, listItems, patchItem, upsertItems } from '../src/catalog/catalog-store.ts';
import { ItemBatchSchema, ItemPatchSchema, ItemSchema } from '../src/catalog/item-schema.ts';
import { IdSchema } from '../src/collect/event-schema.ts';
import { openDatabase } from '../src/db/client.ts';
import { createRouter } from '../src/http/app.ts';
import { requireKey } from '../src/http/auth.ts';
import { ApiError } from '../src/http/errors.ts';
import { errorResponses, jsonContent, notFoundResponse } from '../src/http/openapi.ts';

const json = jsonContent;
const errors = errorResponses;
const notFound = notFoundResponse;
const ItemParams = z.object({ id: IdSchema.openapi({ param: { name: 'id', in: 'path' } }) });
const security = [{ adminKey: [] }];

/** Catalog endpoints (admin key). */
export const catalog = createRouter();

catalog.use('/v1/items', requireKey('admin'));
catalog.use('/v1/items/*', requireKey('admin'));

catalog.openapi(
  createRoute({
    method: 'put',
    path: '/v1/items',
    tags: ['catalog'],
    summary: 'Insert or replace up to 1,000 items',
    description: 'All items are valid or nothing is stored (the error names the field, e.g. `items.3.price`).',
    security,
    request: { body: { required: true, content: { 'application/json': { schema: ItemBatchSchema } } } },
    responses: { 200: json(z.object({ upserted: z.number().int() }), 'Stored'), ...errors },
  }),
  async (c) => c.json({ upserted: await upsertItems(openDatabase(c.env.DB), c.req.valid('json').items) }, 200),
);

catalog.openapi(
  createRoute({
    method: 'get',
    path: '/v1/items',
    tags: ['catalog'],
    summary: 'List the catalog in id order',
    security,
    request: {
      query: z.object({
        after: IdSchema.optional().openapi({ description: 'Last id of the previous page.' }),
        limit: z.coerce.number().int().min(1).max(1000).default(100),
        available: z.enum(['true', 'false']).optional().openapi({ description: '`true`: only available items.' }),
      }),
    },
    responses: { 200: json(z.object({ items: z.array(ItemSchema), next: z.string().nullable() }), 'A page'), ...errors },
  }),
  async (c) => {
    const { after, limit, available } = c.req.valid('query');
    const page = await listItems(openDatabase(c.env.DB), { after, limit, availableOnly: available === 'true' });
    return c.json({ items: page, next: page.length === limit ? (page.at(-1)?.id ?? null) : null }, 200);
  },
);

catalog.openapi(
  createRoute({
    method: 'get',
    path: '/v1/items/{id}',
    tags: ['catalog'],
    summary: 'Read one item',
    security,
    request: { params: ItemParams },
    responses: { 200: json(ItemSchema, 'The item'), ...errors, ...notFound },
  }),
  async (c) => c.json(found(await getItem(openDatabase(c.env.DB), c.req.valid('param').id)), 200),
);

catalog.openapi(
  createRoute({
    method: 'patch',
    path: '/v1/items/{id}',
    tags: ['catalog'],
    summary: 'Change some fields of an item (e.g. `{ "available": false }`)',
    security,
    request: { params: ItemParams, body: { required: true, content: { 'application/json': { schema: ItemPatchSchema } } } },
    responses: { 200: json(ItemSchema, 'The changed item'), ...errors, ...notFound },
  }),
  async (c) => c.json(found(await patchItem(openDatabase(c.env.DB), c.req.valid('param').id, c.req.valid('json'))), 200),
);

catalog.openapi(
  createRoute({
    method: 'delete',
    path: '/v1/items/{id}',
    tags: ['catalog'],
    summary: 'Remove an item from the catalog',
    security,
    request: { params: ItemParams },
    responses: { 200: json(z.object({ deleted: z.literal(true) }), 'Removed'), ...errors, ...notFound },
  }),
  async (c) => {
    if (!(await deleteItem(openDatabase(c.env.DB), c.req.valid('param').id))) throw noSuchItem();
    return c.json({ deleted: true as const }, 200);
  },
);

function found<T>(item: T | undefined): T {
  if (!item) throw noSuchItem();
  return item;
}

function noSuchItem(): ApiError {
  return new ApiError(404, 'not_found', 'No such item', 'id');
}
