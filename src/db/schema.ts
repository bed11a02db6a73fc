/**
 * The D1 schema: the source of truth. Derived tables (neighbours, trending,
 * profiles) live in the table store (KV or Redis), never here.
 * Timestamps are milliseconds since the epoch.
 */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

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
    /** Unit price at purchase time (purchase events; revenue = price x quantity). */
    price: real('price'),
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
  /** When the rule starts to apply (null: at once) and stops (null: never), e.g. a sale's pins. */
  startsAt: integer('starts_at'),
  endsAt: integer('ends_at'),
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
    /** The entry an admin said this message means (it became a phrasing of it). */
    resolvedFaq: text('resolved_faq'),
  },
  (t) => [index('chat_misses_created').on(t.createdAt)],
);

// ---- Chat conversations, learning and handoff (issue 15) ----

/** Every turn of a chat session (shopper and bot): context for follow-ups, transcript for a handoff. */
export const chatTurns = sqliteTable(
  'chat_turns',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    session: text('session').notNull(),
    role: text('role', { enum: ['shopper', 'bot'] }).notNull(),
    text: text('text').notNull(),
    /** Bot turns: the entry answered, the reason, the confidence, the next context (JSON). */
    faq: text('faq'),
    reason: text('reason'),
    confidence: real('confidence'),
    context: text('context'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('chat_turns_session').on(t.session, t.id), index('chat_turns_created').on(t.createdAt)],
);

/** "Did this help?" on an answer, at most one per bot turn. */
export const chatFeedback = sqliteTable(
  'chat_feedback',
  {
    turn: integer('turn').primaryKey(),
    session: text('session').notNull(),
    faq: text('faq').notNull(),
    /** The shopper's question the answer replied to. */
    question: text('question').notNull(),
    confidence: real('confidence').notNull(),
    helpful: integer('helpful', { mode: 'boolean' }).notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('chat_feedback_created').on(t.createdAt)],
);

/** Phrasings learned from resolved misses, added to their entry at the next index build. */
export const chatLearned = sqliteTable(
  'chat_learned',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    faq: text('faq').notNull(),
    text: text('text').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('chat_learned_faq_text').on(t.faq, t.text)],
);

/** The handoff outbox: one row per handoff, delivered to the shop's webhook at least once. */
export const chatHandoffs = sqliteTable(
  'chat_handoffs',
  {
    /** Also the idempotency key the webhook receives. */
    id: text('id').primaryKey(),
    session: text('session'),
    payload: text('payload').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    deliveredAt: integer('delivered_at'),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('chat_handoffs_due').on(t.deliveredAt, t.nextAttemptAt)],
);

// ---- end chat conversations ----

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

// ---------------------------------------------------------------------------
// Audiences (issue 13): shopper profiles, segments, product audiences.
// ---------------------------------------------------------------------------

/** Segment definitions a shop created: custom rule segments and product audiences. Built-in segments live in code. */
export const segments = sqliteTable('segments', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** custom | audience */
  kind: text('kind').notNull(),
  /** JSON: the rule group of a custom segment, or the item/category of a product audience. */
  definition: text('definition').notNull(),
  createdAt: integer('created_at').notNull(),
});

/** Shopper facts written by the parts of a rebuild, read back once when it publishes. */
export const audienceStage = sqliteTable(
  'audience_stage',
  {
    version: text('version').notNull(),
    userId: text('user_id').notNull(),
    /** JSON ShopperFacts. */
    facts: text('facts').notNull(),
  },
  (t) => [primaryKey({ columns: [t.version, t.userId] })],
);

/** One row per shopper of the last refresh: facts, RFM scores and segments (what the profile endpoint explains). */
export const audienceProfiles = sqliteTable('audience_profiles', {
  userId: text('user_id').primaryKey(),
  /** JSON ShopperFacts. */
  facts: text('facts').notNull(),
  /** JSON `[r, f, m]` quintile scores, or null for shoppers who never bought. */
  rfm: text('rfm'),
  /** JSON object: segment id -> score (product audiences) or 0. */
  segments: text('segments').notNull(),
  version: text('version').notNull(),
  /** When the facts were computed (the rebuild's `now`). */
  builtAt: integer('built_at').notNull(),
});

/** Current segment membership (refreshed at every rebuild); the export reads it in user order. */
export const segmentMembers = sqliteTable(
  'segment_members',
  {
    segmentId: text('segment_id').notNull(),
    userId: text('user_id').notNull(),
    joinedAt: integer('joined_at').notNull(),
    /** Ranking score for product audiences; null otherwise. */
    score: real('score'),
  },
  (t) => [primaryKey({ columns: [t.segmentId, t.userId] }), index('segment_members_user').on(t.userId)],
);

/** Joins and leaves per refresh, in order: what `since=` exports return. */
export const segmentChanges = sqliteTable(
  'segment_changes',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    segmentId: text('segment_id').notNull(),
    userId: text('user_id').notNull(),
    /** join | leave */
    change: text('change').notNull(),
    version: text('version').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [index('segment_changes_segment').on(t.segmentId, t.seq), index('segment_changes_user').on(t.userId), index('segment_changes_version').on(t.version)],
);

/** Segment sizes after each refresh (sizes over time). */
export const segmentSizes = sqliteTable(
  'segment_sizes',
  {
    segmentId: text('segment_id').notNull(),
    version: text('version').notNull(),
    at: integer('at').notNull(),
    size: integer('size').notNull(),
    joined: integer('joined').notNull(),
    left: integer('left').notNull(),
  },
  (t) => [primaryKey({ columns: [t.segmentId, t.version] }), index('segment_sizes_at').on(t.at)],
);

/** One row per segment refresh: the RFM quintile cut points request-time scoring reuses, and figures. */
export const audienceRuns = sqliteTable('audience_runs', {
  version: text('version').primaryKey(),
  at: integer('at').notNull(),
  /** JSON RfmCuts. */
  cuts: text('cuts').notNull(),
  profiles: integer('profiles').notNull(),
  durationMs: integer('duration_ms').notNull(),
});

// ---------------------------------------------------------------------------
// Campaigns (issue 13): creatives, targets, schedules, caps and pacing counters.
// ---------------------------------------------------------------------------

/** Campaigns (ads and promotions) picked at the edge. */
export const campaigns = sqliteTable('campaigns', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  /** JSON creative: title, text, image, link, items. */
  creative: text('creative').notNull(),
  /** JSON target: segments, country, device (empty: everyone). */
  target: text('target').notNull(),
  /** JSON array of placements (empty: any). */
  placements: text('placements').notNull().default('[]'),
  /** override | contract | remnant | house */
  tier: text('tier').notNull(),
  weight: real('weight').notNull(),
  startsAt: integer('starts_at').notNull(),
  endsAt: integer('ends_at'),
  /** impressions | clicks | null */
  goalType: text('goal_type'),
  goal: integer('goal'),
  /** JSON caps: perDay, perWeek, perSession. */
  caps: text('caps').notNull().default('{}'),
  createdAt: integer('created_at').notNull(),
});

/** Delivery counters per campaign: `served` is reserved at pick time (conditional UPDATE), the rest rolled up from events. */
export const campaignCounters = sqliteTable('campaign_counters', {
  campaignId: text('campaign_id').primaryKey(),
  served: integer('served').notNull().default(0),
  impressions: integer('impressions').notNull().default(0),
  clicks: integer('clicks').notNull().default(0),
});

/** Per-shopper frequency cap counters: one row per campaign and shopper, each period keyed by its calendar id. */
export const campaignCaps = sqliteTable(
  'campaign_caps',
  {
    campaignId: text('campaign_id').notNull(),
    userId: text('user_id').notNull(),
    day: text('day').notNull(),
    dayCount: integer('day_count').notNull(),
    week: text('week').notNull(),
    weekCount: integer('week_count').notNull(),
    session: text('session'),
    sessionCount: integer('session_count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.userId] }), index('campaign_caps_user').on(t.userId)],
);

// ---------------------------------------------------------------------------------------------
// Feedback loop (issue 9): experiments, the roll-up's attribution state and report rows.
// Written by the 5-minute roll-up (src/reports) and the experiments API (src/experiments).
// ---------------------------------------------------------------------------------------------

/** A/B experiments (or bandits) over serving configurations. */
export const experiments = sqliteTable(
  'experiments',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    /** JSON array of the surfaces it covers. */
    surfaces: text('surfaces').notNull(),
    /** JSON array of arms: name, share, serving config, and `stopped` when a guardrail or the shop stopped it. */
    arms: text('arms').notNull(),
    /** draft | running | stopped | promoted */
    status: text('status').notNull(),
    /** fixed | bandit */
    mode: text('mode').notNull().default('fixed'),
    /** JSON object: minimum sample, sequential intervals, guardrails, bandit minimum share. */
    settings: text('settings').notNull().default('{}'),
    createdAt: integer('created_at').notNull(),
    startedAt: integer('started_at'),
    stoppedAt: integer('stopped_at'),
    /** Why it stopped (the shop, a guardrail, a promotion). */
    stopReason: text('stop_reason'),
    /** The promoted arm. */
    promoted: text('promoted'),
    /** The time range it serves in (ms); null: from its start, or until stopped. */
    startsAt: integer('starts_at'),
    endsAt: integer('ends_at'),
  },
  (t) => [index('experiments_status').on(t.status)],
);

/** Per experiment, arm and unit (user or session): totals since first exposure. Results are SQL aggregates over it. */
export const experimentUnits = sqliteTable(
  'experiment_units',
  {
    experimentId: text('experiment_id').notNull(),
    arm: text('arm').notNull(),
    unit: text('unit').notNull(),
    firstExposure: integer('first_exposure').notNull(),
    /** UTC day of the first exposure, `YYYY-MM-DD`. */
    exposureDay: text('exposure_day').notNull(),
    impressions: integer('impressions').notNull().default(0),
    clicks: integer('clicks').notNull().default(0),
    conversions: integer('conversions').notNull().default(0),
    revenue: real('revenue').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.experimentId, t.unit] }),
    index('experiment_units_arm').on(t.experimentId, t.arm),
    index('experiment_units_unit').on(t.unit),
  ],
);

/** The same totals split by days since the unit's first exposure (0 = the day of exposure): novelty and results by day. */
export const experimentUnitDays = sqliteTable(
  'experiment_unit_days',
  {
    experimentId: text('experiment_id').notNull(),
    unit: text('unit').notNull(),
    since: integer('since').notNull(),
    arm: text('arm').notNull(),
    impressions: integer('impressions').notNull().default(0),
    clicks: integer('clicks').notNull().default(0),
    conversions: integer('conversions').notNull().default(0),
    revenue: real('revenue').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.experimentId, t.unit, t.since] })],
);

/** What a shopper was last shown or clicked from recommendations, per item: the state inferred attribution looks up. */
export const attributionTouches = sqliteTable(
  'attribution_touches',
  {
    user: text('user').notNull(),
    item: text('item').notNull(),
    /** shown | clicked */
    kind: text('kind').notNull(),
    ts: integer('ts').notNull(),
    rid: text('rid').notNull(),
    /** Where it was shown: the rid's surface, with the widget placement when the client named one. */
    surface: text('surface').notNull(),
  },
  (t) => [primaryKey({ columns: [t.user, t.item, t.kind] }), index('attribution_touches_ts').on(t.ts)],
);

/**
 * Report rows per UTC day, surface, experiment arm and user: counters of what recommendations
 * earned. Reports sum them (users reached = rows with impressions; n, sum and sum of squares of
 * the per-user metrics are aggregates over the same rows). Experiment and arm are '' outside experiments.
 */
export const reportUsers = sqliteTable(
  'report_users',
  {
    day: text('day').notNull(),
    surface: text('surface').notNull(),
    experimentId: text('experiment_id').notNull(),
    arm: text('arm').notNull(),
    user: text('user').notNull(),
    impressions: integer('impressions').notNull().default(0),
    clicks: integer('clicks').notNull().default(0),
    /** Clicks without a rid, inferred from an impression of the item (view-through). */
    inferredClicks: integer('inferred_clicks').notNull().default(0),
    addToCarts: integer('add_to_carts').notNull().default(0),
    purchases: integer('purchases').notNull().default(0),
    revenue: real('revenue').notNull().default(0),
    /** Purchases (and their revenue) without a rid, inferred from a recommendation click (click-through). */
    clickThroughPurchases: integer('click_through_purchases').notNull().default(0),
    clickThroughRevenue: real('click_through_revenue').notNull().default(0),
    /** Purchases (and their revenue) without a rid or click, inferred from an impression (view-through). */
    viewThroughPurchases: integer('view_through_purchases').notNull().default(0),
    viewThroughRevenue: real('view_through_revenue').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.surface, t.experimentId, t.arm, t.user] })],
);

/** Per UTC day: every purchase (attributed or not), for the share of revenue from recommendations. */
export const reportDays = sqliteTable('report_days', {
  day: text('day').primaryKey(),
  purchases: integer('purchases').notNull().default(0),
  revenue: real('revenue').notNull().default(0),
});

/** Items shown per UTC day, for the share of the catalog recommended (coverage). */
export const reportItems = sqliteTable(
  'report_items',
  {
    day: text('day').notNull(),
    item: text('item').notNull(),
    impressions: integer('impressions').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.item] })],
);

// ---- Activity roll-up (src/activity): daily figures for the dashboard, filled by the 5-minute cron.

/** Events, quantities and revenue per UTC day and event type. */
export const dailyActivity = sqliteTable(
  'daily_activity',
  {
    day: text('day').notNull(),
    type: text('type').notNull(),
    events: integer('events').notNull(),
    /** Sum of `value` (quantity for cart and purchase events). */
    quantity: real('quantity').notNull(),
    /** Purchases only: quantity x price. */
    revenue: real('revenue').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.type] })],
);

/** Which shoppers were active on which UTC day (one row each): active shoppers per day. */
export const dailyShoppers = sqliteTable(
  'daily_shoppers',
  {
    day: text('day').notNull(),
    userId: text('user_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.userId] })],
);
