/**
 * An admin resolving a miss ("this question means FAQ X"): the message
 * becomes a learned phrasing of X (used from the next index build, which the
 * route runs at once) and the misses with that wording are marked resolved.
 */
import { eq } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { chatLearned, chatMisses, faqs } from '../../db/schema.ts';

/** Adds `message` as a phrasing of entry `faq`; false when there is no such entry. */
export async function resolveMiss(db: Database, message: string, faq: string, now = Date.now()): Promise<boolean> {
  const entry = await db.select({ id: faqs.id }).from(faqs).where(eq(faqs.id, faq)).get();
  if (!entry) return false;
  await db.batch([
    db.insert(chatLearned).values({ faq, text: message, createdAt: now }).onConflictDoNothing(),
    db.update(chatMisses).set({ resolvedFaq: faq }).where(eq(chatMisses.message, message)),
  ]);
  return true;
}

/** Learned phrasings per entry id. */
export async function loadLearned(db: Database): Promise<Map<string, string[]>> {
  const rows = await db.select({ faq: chatLearned.faq, text: chatLearned.text }).from(chatLearned).all();
  const byFaq = new Map<string, string[]>();
  for (const row of rows) byFaq.set(row.faq, [...(byFaq.get(row.faq) ?? []), row.text]);
  return byFaq;
}
