/**
 * The D1 schema: the source of truth. Derived tables (neighbours, trending,
 * profiles) live in the table store (KV or Redis), never here.
 * Timestamps are milliseconds since the epoch.
 */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Append-only behaviour log. `id` is the client's event id: a retried batch is stored once. */
export const events = sqliteTable(
  'events',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    id: text('id').notNull().unique(),
    type: text('type').notNull(),
    userId: text('user_id').notNull(),
    itemId: text('item_id'),
    /** JSON array of item ids shown, for `impression` events. */
    items: text('items'),
    value: real('value'),
    /** Recommendation id the event answers to (impressions and clicks on widgets). */
    rid: text('rid'),
    session: text('session'),
    /** Free-form JSON object from the client (page, device, widget...). */
    context: text('context'),
    ts: integer('ts').notNull(),
    receivedAt: integer('received_at').notNull(),
  },
  (t) => [index('events_ts').on(t.ts, t.seq), index('events_user').on(t.userId, t.ts), index('events_item').on(t.itemId, t.ts), index('events_rid').on(t.rid)],
);

/** The shop's catalog. Unavailable items stay (history refers to them) but are never recommended. */
export const items = sqliteTable(
  'items',
  {
    id: text('id').primaryKey(),
    title: text('title').notNull(),
    /** JSON array of category names, most general first. */
    categories: text('categories').notNull().default('[]'),
    price: real('price'),
    available: integer('available', { mode: 'boolean' }).notNull().default(true),
    url: text('url'),
    image: text('image'),
    /** JSON object of extra attributes (brand, colour, localized titles...). */
    attributes: text('attributes').notNull().default('{}'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('items_updated').on(t.updatedAt)],
);

/** Merchandising rules applied at request time. */
export const rules = sqliteTable('rules', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** pin | boost | bury | hide */
  action: text('action').notNull(),
  /** item | category */
  targetType: text('target_type').notNull(),
  target: text('target').notNull(),
  /** Multiplier for boost/bury; position (0-based) for pin. */
  amount: real('amount'),
  /** Surfaces the rule applies to, JSON array (empty: all). */
  surfaces: text('surfaces').notNull().default('[]'),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  createdAt: integer('created_at').notNull(),
});

/** One row per rebuild run: its figures and outcome. `version` names the tables it published. */
export const rebuildRuns = sqliteTable(
  'rebuild_runs',
  {
    version: text('version').primaryKey(),
    trigger: text('trigger').notNull(),
    status: text('status').notNull(),
    startedAt: integer('started_at').notNull(),
    finishedAt: integer('finished_at'),
    /** JSON object of figures: events read, users, items, pairs, bytes, operations. */
    stats: text('stats').notNull().default('{}'),
    error: text('error'),
  },
  (t) => [index('rebuild_runs_started').on(t.startedAt)],
);

/** Parts of a rebuild split over the queue: a part's row appears when it has written its shards. */
export const rebuildParts = sqliteTable(
  'rebuild_parts',
  {
    version: text('version').notNull(),
    part: integer('part').notNull(),
    /** JSON object of the part's figures. */
    stats: text('stats').notNull(),
    doneAt: integer('done_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.version, t.part] })],
);

/** Leases that keep two overlapping runs of one job from both acting. */
export const leases = sqliteTable('leases', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  expiresAt: integer('expires_at').notNull(),
});

/** The shop's FAQ, answered by the chat function. */
export const faqs = sqliteTable('faqs', {
  id: text('id').primaryKey(),
  question: text('question').notNull(),
  /** JSON array of alternative phrasings. */
  alternatives: text('alternatives').notNull().default('[]'),
  answer: text('answer').notNull(),
  /** JSON array of tags. */
  tags: text('tags').notNull().default('[]'),
  lang: text('lang').notNull(),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  updatedAt: integer('updated_at').notNull(),
});

/** Shop-editable synonym groups for chat retrieval: each row is one group of equivalent terms. */
export const chatSynonyms = sqliteTable('chat_synonyms', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** JSON array of terms that mean the same. */
  terms: text('terms').notNull(),
});

/** Chat questions that were not answered confidently: what FAQ the shop is missing. */
export const chatMisses = sqliteTable(
  'chat_misses',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    session: text('session'),
    message: text('message').notNull(),
    lang: text('lang'),
    confidence: real('confidence').notNull(),
    bestFaq: text('best_faq'),
    reason: text('reason').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('chat_misses_created').on(t.createdAt)],
);

/** Key-value settings that must survive rebuilds (e.g. the FAQ index version). */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: integer('updated_at')
    .notNull()
    .default(sql`(unixepoch() * 1000)`),
});

// --- hardening (issue 11): exact event count -------------------------------------------------

/**
 * One row (`id = 1`) holding the number of rows in `events`, kept exact by triggers on insert
 * and delete (see the migration), so `/health` reads a count without scanning the log.
 */
export const eventCount = sqliteTable('event_count', {
  id: integer('id').primaryKey(),
  n: integer('n').notNull(),
});
