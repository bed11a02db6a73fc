import { and, asc, eq, gt } from 'drizzle-orm';
import { type Database, upsertRows } from '../db/client.ts';
import { items } from '../db/schema.ts';
import type { Item, ItemInput, ItemPatch } from './item-schema.ts';

type ItemRow = typeof items.$inferSelect;

/** A catalog row as the API returns it (JSON columns parsed). */
export function toItem(row: ItemRow): Item {
  return {
    id: row.id,
    title: row.title,
    categories: JSON.parse(row.categories) as string[],
    price: row.price,
    available: row.available,
    url: row.url,
    image: row.image,
    attributes: JSON.parse(row.attributes) as Record<string, unknown>,
    updatedAt: row.updatedAt,
  };
}

/** Inserts or replaces items in one D1 batch (all or nothing). Returns how many were written. */
export async function upsertItems(db: Database, batch: readonly ItemInput[], now = Date.now()): Promise<number> {
  const latest = new Map(batch.map((item) => [item.id, item]));
  const rows = [...latest.values()].map((item) => ({
    id: item.id,
    title: item.title,
    categories: JSON.stringify(item.categories),
    price: item.price ?? null,
    available: item.available,
    url: item.url ?? null,
    image: item.image ?? null,
    attributes: JSON.stringify(item.attributes),
    updatedAt: now,
  }));
  return upsertRows(db, items, items.id, rows);
}

/** One item, or undefined. */
export async function getItem(db: Database, id: string): Promise<Item | undefined> {
  const row = await db.select().from(items).where(eq(items.id, id)).get();
  return row && toItem(row);
}

/** Changes some fields of an item; undefined when there is no such item. */
export async function patchItem(db: Database, id: string, patch: ItemPatch, now = Date.now()): Promise<Item | undefined> {
  const set: Partial<typeof items.$inferInsert> = { updatedAt: now };
  if (patch.title !== undefined) set.title = patch.title;
  if (patch.categories !== undefined) set.categories = JSON.stringify(patch.categories);
  if (patch.price !== undefined) set.price = patch.price;
  if (patch.available !== undefined) set.available = patch.available;
  if (patch.url !== undefined) set.url = patch.url;
  if (patch.image !== undefined) set.image = patch.image;
  if (patch.attributes !== undefined) set.attributes = JSON.stringify(patch.attributes);
  const row = await db.update(items).set(set).where(eq(items.id, id)).returning().get();
  return row && toItem(row);
}

/** Removes an item from the catalog; false when there was none. Its events stay in the log. */
export async function deleteItem(db: Database, id: string): Promise<boolean> {
  const gone = await db.delete(items).where(eq(items.id, id)).returning({ id: items.id });
  return gone.length > 0;
}

/** A page of the catalog in id order (keyset pagination: pass the last id as `after`). */
export async function listItems(db: Database, options: { after?: string; limit: number; availableOnly?: boolean }): Promise<Item[]> {
  const conditions = [options.after ? gt(items.id, options.after) : undefined, options.availableOnly ? eq(items.available, true) : undefined];
  const rows = await db
    .select()
    .from(items)
    .where(and(...conditions))
    .orderBy(asc(items.id))
    .limit(options.limit);
  return rows.map(toItem);
}
