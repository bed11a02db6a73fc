/**
 * FAQ entries and synonym groups in D1, the source of truth of the chat.
 * Every change is followed by an index rebuild (index-store.ts).
 */
import { asc, eq } from 'drizzle-orm';
import { type Database, chunkRows, runBatch, upsertRows } from '../db/client.ts';
import { chatSynonyms, faqs } from '../db/schema.ts';
import { DEFAULT_SYNONYMS } from './default-synonyms.ts';
import type { Faq, FaqInput, FaqPatch } from './faq-schema.ts';

type FaqRow = typeof faqs.$inferSelect;

function toFaq(row: FaqRow): Faq {
  return {
    id: row.id,
    question: row.question,
    alternatives: JSON.parse(row.alternatives) as string[],
    answer: row.answer,
    tags: JSON.parse(row.tags) as string[],
    lang: row.lang,
    enabled: row.enabled,
    updatedAt: row.updatedAt,
  };
}

function toRow(entry: FaqInput, now: number): FaqRow {
  return {
    id: entry.id,
    question: entry.question,
    alternatives: JSON.stringify(entry.alternatives),
    answer: entry.answer,
    tags: JSON.stringify(entry.tags),
    lang: entry.lang,
    enabled: entry.enabled,
    updatedAt: now,
  };
}

/** Inserts or replaces entries in one D1 batch (all or nothing). Returns how many were written. */
export async function upsertFaqs(db: Database, entries: readonly FaqInput[], now = Date.now()): Promise<number> {
  const rows = [...new Map(entries.map((e) => [e.id, toRow(e, now)])).values()];
  return upsertRows(db, faqs, faqs.id, rows);
}

/** Changes some fields of an entry; undefined when there is no such entry. */
export async function patchFaq(db: Database, id: string, patch: FaqPatch, now = Date.now()): Promise<Faq | undefined> {
  const current = await db.select().from(faqs).where(eq(faqs.id, id)).get();
  if (!current) return undefined;
  const merged = { ...toFaq(current), ...patch };
  const row = toRow({ ...merged, lang: merged.lang as FaqInput['lang'] }, now);
  await db.update(faqs).set(row).where(eq(faqs.id, id));
  return toFaq(row);
}

/** All entries in id order, optionally only the enabled ones or one language. */
export async function listFaqs(db: Database, filter: { enabledOnly?: boolean; lang?: string } = {}): Promise<Faq[]> {
  const rows = await db.select().from(faqs).orderBy(asc(faqs.id)).all();
  return rows.filter((row) => (!filter.enabledOnly || row.enabled) && (!filter.lang || row.lang === filter.lang)).map(toFaq);
}

/** The shop's synonym groups; the defaults while the shop has none of its own. */
export async function loadSynonyms(db: Database): Promise<string[][]> {
  const rows = await db.select().from(chatSynonyms).orderBy(asc(chatSynonyms.id)).all();
  return rows.length ? rows.map((row) => JSON.parse(row.terms) as string[]) : DEFAULT_SYNONYMS;
}

/** Replaces the shop's synonym groups (an empty list restores the defaults). */
export async function replaceSynonyms(db: Database, groups: readonly string[][]): Promise<void> {
  const rows = groups.map((terms) => ({ terms: JSON.stringify(terms) }));
  await runBatch(db, [db.delete(chatSynonyms), ...chunkRows(rows, 1).map((chunk) => db.insert(chatSynonyms).values(chunk))]);
}
