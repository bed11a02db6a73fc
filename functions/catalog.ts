import { createRoute, z } from '@hono/zod-openapi';
import { deleteItem, getItem, listItems, patchItem, upsertItems } from '../src/catalog/catalog-store.ts';
import { ItemBatchSchema, ItemPatchSchema, ItemSchema } from '../src/catalog/item-schema.ts';
import { type CatalogChanges, recordCatalogChanges } from '../src/catalog/availability.ts';
import { catalogEntry } from '../src/catalog/catalog-entry.ts';
import { forgetCatalogStamp } from '../src/widgets/catalog-stamp.ts';
import type { IndexableItem } from '../src/search/analyzed-item.ts';
import { recordSearchChanges } from '../src/search/fresh.ts';
import { searchSynonyms } from '../src/search/search-synonyms.ts';
import { IdSchema } from '../src/collect/event-schema.ts';
import type { Env } from '../src/env.ts';
import { openTableStore } from '../src/tables/open-store.ts';
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
const middleware = requireKey('admin');

/** Catalog endpoints (admin key). */
export const catalog = createRouter();

catalog.openapi(
  createRoute({
    method: 'put',
    path: '/v1/items',
    tags: ['catalog'],
    summary: 'Insert or replace up to 1,000 items',
    description: 'All items are valid or nothing is stored (the error names the field, e.g. `items.3.price`).',
    security,
    middleware,
    request: { body: { required: true, content: { 'application/json': { schema: ItemBatchSchema } } } },
    responses: { 200: json(z.object({ upserted: z.number().int() }), 'Stored'), ...errors },
  }),
  async (c) => {
    const batch = c.req.valid('json').items;
    const upserted = await upsertItems(openDatabase(c.env.DB), batch);
    await tellServing(c.env, {
      availability: batch.filter((item) => !item.available).map((item) => ({ id: item.id, available: false })),
      entries: batch.map((item) => ({ id: item.id, entry: catalogEntry(item) })),
    });
    await tellSearch(
      c.env,
      batch.map((item) => ({ id: item.id, item: { ...item, price: item.price ?? null } })),
    );
    return c.json({ upserted }, 200);
  },
);

catalog.openapi(
  createRoute({
    method: 'get',
    path: '/v1/items',
    tags: ['catalog'],
    summary: 'List the catalog in id order',
    security,
    middleware,
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
    middleware,
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
    middleware,
    request: { params: ItemParams, body: { required: true, content: { 'application/json': { schema: ItemPatchSchema } } } },
    responses: { 200: json(ItemSchema, 'The changed item'), ...errors, ...notFound },
  }),
  async (c) => {
    const item = found(await patchItem(openDatabase(c.env.DB), c.req.valid('param').id, c.req.valid('json')));
    await tellServing(c.env, {
      availability: c.req.valid('json').available === undefined ? [] : [{ id: item.id, available: item.available }],
      entries: [{ id: item.id, entry: catalogEntry(item) }],
    });
    await tellSearch(c.env, [{ id: item.id, item }]);
    return c.json(item, 200);
  },
);

catalog.openapi(
  createRoute({
    method: 'delete',
    path: '/v1/items/{id}',
    tags: ['catalog'],
    summary: 'Remove an item from the catalog',
    security,
    middleware,
    request: { params: ItemParams },
    responses: { 200: json(z.object({ deleted: z.literal(true) }), 'Removed'), ...errors, ...notFound },
  }),
  async (c) => {
    const id = c.req.valid('param').id;
    if (!(await deleteItem(openDatabase(c.env.DB), id))) throw noSuchItem();
    await tellServing(c.env, { availability: [{ id, available: false }], entries: [{ id, entry: null }] });
    await tellSearch(c.env, [{ id, item: null }]);
    return c.json({ deleted: true as const }, 200);
  },
);

/**
 * Passes catalog changes to serving at once (the catalog snapshot in the tables only changes
 * with the next rebuild): availability, and the entries of written items (new items, prices,
 * titles, images). The catalog change is already stored; if the table store is down, serving
 * learns it at the next rebuild.
 */
async function tellServing(env: Env, changes: CatalogChanges): Promise<void> {
  try {
    await recordCatalogChanges(openTableStore(env), changes);
    forgetCatalogStamp();
  } catch (err) {
    console.error('could not record catalog changes for serving', err);
  }
}

/** Passes changed items to search at once (re-analyzed into the fresh rows); like {@link tellServing}, a store outage only delays them to the next rebuild. */
async function tellSearch(env: Env, changes: { id: string; item: IndexableItem | null }[]): Promise<void> {
  try {
    await recordSearchChanges(openTableStore(env), changes, await searchSynonyms(openDatabase(env.DB)));
  } catch (err) {
    console.error('could not record search changes', err);
  }
}

function found<T>(item: T | undefined): T {
  if (!item) throw noSuchItem();
  return item;
}

function noSuchItem(): ApiError {
  return new ApiError(404, 'not_found', 'No such item', 'id');
}
