/**
 * The log of questions the chat could not answer confidently, and its admin
 * view: recent misses grouped by similar wording, biggest group first, so the
 * shop sees which FAQ entries it is missing.
 */
import { and, desc, gte, isNull } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { chatMisses } from '../db/schema.ts';
import { tokenize } from '../text/tokenize.ts';

/** One unanswered or low-confidence message. */
export interface ChatMiss {
  session?: string;
  message: string;
  lang: string | null;
  confidence: number;
  bestFaq: string | null;
  reason: string;
}

/** Stores a miss. The message is stored with markup removed, as it was matched. */
export async function logMiss(db: Database, miss: ChatMiss, now = Date.now()): Promise<void> {
  await db.insert(chatMisses).values({
    session: miss.session ?? null,
    message: miss.message.slice(0, 500),
    lang: miss.lang,
    confidence: miss.confidence,
    bestFaq: miss.bestFaq,
    reason: miss.reason,
    createdAt: now,
  });
}

/** A group of similar missed questions. */
export interface MissGroup {
  question: string;
  count: number;
  examples: string[];
  bestFaq: string | null;
  lastSeen: number;
}

/** Two messages join a group when their token sets overlap this much (Jaccard). */
const SIMILAR = 0.35;

/**
 * Groups the most recent unresolved misses (at most `scan` rows since
 * `since`) by similar wording.
 */
export async function listMissGroups(
  db: Database,
  options: { since?: number; scan?: number; limit?: number; reasons?: ReadonlySet<string> } = {},
): Promise<MissGroup[]> {
  const rows = await db
    .select()
    .from(chatMisses)
    .where(and(gte(chatMisses.createdAt, options.since ?? 0), isNull(chatMisses.resolvedFaq)))
    .orderBy(desc(chatMisses.createdAt), desc(chatMisses.id))
    .limit(options.scan ?? 2000)
    .all();
  const groups: (MissGroup & { tokens: Set<string> })[] = [];
  for (const row of rows) {
    if (options.reasons && !options.reasons.has(row.reason)) continue;
    const { words, grams } = tokenize(row.message);
    const tokens = new Set([...words, ...grams]);
    const group = groups.find((g) => jaccard(g.tokens, tokens) >= SIMILAR);
    if (group) {
      group.count++;
      if (group.examples.length < 5 && !group.examples.includes(row.message)) group.examples.push(row.message);
    } else {
      groups.push({ question: row.message, count: 1, examples: [row.message], bestFaq: row.bestFaq, lastSeen: row.createdAt, tokens });
    }
  }
  return groups
    .sort((a, b) => b.count - a.count || b.lastSeen - a.lastSeen)
    .slice(0, options.limit ?? 50)
    .map(({ tokens: _tokens, ...group }) => group);
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const token of a) if (b.has(token)) shared++;
  return shared / (a.size + b.size - shared);
}

/** A new FAQ entry proposed from a group of misses. */
export interface FaqProposal {
  question: string;
  alternatives: string[];
  count: number;
  lastSeen: number;
}

/** Misses an entry may have answered badly are not proposals: a "not helpful" answer is resolved, not added. */
const UNCOVERED = new Set(['low_confidence', 'close_call']);

/**
 * Proposes new FAQ entries: groups of at least `min` unresolved misses that
 * the chat handed over or could only guess at, the most asked first. The
 * group's most frequent wording is the question, the other wordings its
 * alternatives; the shop writes the answer.
 */
export async function proposeFaqs(db: Database, options: { min?: number; limit?: number } = {}): Promise<FaqProposal[]> {
  const groups = await listMissGroups(db, { limit: 200, reasons: UNCOVERED });
  return groups
    .filter((g) => g.count >= (options.min ?? 3))
    .slice(0, options.limit ?? 20)
    .map((g) => ({ question: g.question, alternatives: g.examples.filter((e) => e !== g.question), count: g.count, lastSeen: g.lastSeen }));
}
