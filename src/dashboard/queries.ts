/**
 * The D1 reads behind the dashboard's pages. Each is bounded (an index range, a LIMIT, or a
 * small table); none scans the event log.
 */
import { and, between, count, desc, eq, gte, inArray, sql } from 'drizzle-orm';
import { listMissGroups } from '../chat/misses.ts';
import { listFaqs } from '../chat/faq-store.ts';
import type { Database } from '../db/client.ts';
import { chatMisses, chatTurns, items, reportItems, reportUsers } from '../db/schema.ts';
import { readManifest } from '../rebuild/publish.ts';
import { listRuns } from '../rebuild/runs.ts';
import { listRules, ruleInForce } from '../rules/rules-store.ts';
import type { TableStore } from '../tables/table-store.ts';
import { neighbourCoverage } from './coverage.ts';
import type { CatalogData, RuleEffect } from './pages/catalog.ts';
import type { ChatData } from './pages/chat.ts';
import type { ModelsData } from './pages/models.ts';
import type { ExperimentSummary } from './pages/experiments.ts';
import { listExperiments } from '../experiments/experiment-store.ts';
import { listSegments, rfmMovement, segmentSizesOverTime } from '../audiences/segment-store.ts';
import { listCampaigns } from '../campaigns/campaign-store.ts';
import { campaignDelivery } from '../campaigns/delivery.ts';
import type { AudiencesData } from './pages/audiences.ts';
import { experimentResults } from '../experiments/results.ts';

const DAY_MS = 86_400_000;

/** UTC day (YYYY-MM-DD) of a time. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The `days` UTC days ending with the day of `now`, oldest first. */
export function lastDays(days: number, now: number): string[] {
  return Array.from({ length: days }, (_, i) => utcDay(now - (days - 1 - i) * DAY_MS));
}

/** Data of the models page. The store read is skipped (null) when the store fails. */
export async function modelsData(db: Database, store: TableStore): Promise<ModelsData> {
  const [runs, current] = await Promise.all([listRuns(db, 30), readManifest(store).catch(() => undefined)]);
  return { runs, current: current ?? null };
}

/** Bot replies that answered the shopper (an FAQ entry, or products for a product question). */
const ANSWERED = sql.raw(`('answered', 'product_advice')`);
/** Bot replies to something other than a question (greetings, asking for a person): left out of the answered rate. */
const NOT_QUESTIONS = sql.raw(`('small_talk', 'person_requested')`);

/** Data of the chat page over the last `days` days. */
export async function chatData(db: Database, days: number, now = Date.now()): Promise<ChatData> {
  const since = Date.parse(lastDays(days, now)[0]!);
  const dayExpr = sql<string>`strftime('%Y-%m-%d', ${chatMisses.createdAt} / 1000, 'unixepoch')`;
  const turnDay = sql<string>`strftime('%Y-%m-%d', ${chatTurns.createdAt} / 1000, 'unixepoch')`;
  const [perDay, turns, groups, faqs] = await Promise.all([
    db.select({ day: dayExpr, misses: count() }).from(chatMisses).where(gte(chatMisses.createdAt, since)).groupBy(dayExpr).all(),
    db
      .select({
        day: turnDay,
        questions: sql<number>`sum(${chatTurns.reason} not in ${NOT_QUESTIONS})`,
        answered: sql<number>`sum(${chatTurns.reason} in ${ANSWERED})`,
      })
      .from(chatTurns)
      .where(and(eq(chatTurns.role, 'bot'), gte(chatTurns.createdAt, since)))
      .groupBy(turnDay)
      .all(),
    listMissGroups(db, { since, limit: 20 }),
    listFaqs(db, { enabledOnly: true }),
  ]);
  const byDay = new Map(perDay.map((r) => [r.day, r.misses]));
  const turnsByDay = new Map(turns.map((r) => [r.day, r]));
  return {
    missesPerDay: lastDays(days, now).map((day) => ({ day, misses: byDay.get(day) ?? 0 })),
    answeredPerDay: lastDays(days, now).map((day) => ({
      day,
      questions: Number(turnsByDay.get(day)?.questions ?? 0),
      answered: Number(turnsByDay.get(day)?.answered ?? 0),
    })),
    groups,
    faqs: faqs.map(({ id, question, answer, lang }) => ({ id, question, answer, lang })),
  };
}

/** Available items checked for similar items (the first ones by id). */
const COVERAGE_SAMPLE = 2000;

/** Data of the catalog page. */
export async function catalogData(db: Database, store: TableStore, now = Date.now()): Promise<CatalogData> {
  const [[totals], rules, sample, manifest] = await Promise.all([
    db
      .select({ total: count(), available: sql<number>`coalesce(sum(${items.available}), 0)` })
      .from(items)
      .all(),
    listRules(db),
    db.select({ id: items.id, title: items.title }).from(items).where(eq(items.available, true)).orderBy(items.id).limit(COVERAGE_SAMPLE).all(),
    readManifest(store).catch(() => undefined),
  ]);
  const coverage = manifest
    ? await neighbourCoverage(
        store,
        manifest,
        sample.map((i) => i.id),
      ).catch(() => undefined)
    : undefined;
  const titles = new Map(sample.map((i) => [i.id, i.title]));
  const itemTargets = [...new Set(rules.filter((r) => r.targetType === 'item').map((r) => r.target))];
  const targets = itemTargets.length
    ? await db
        .select({ id: items.id, title: items.title, available: items.available })
        .from(items)
        .where(inArray(items.id, itemTargets.slice(0, 90)))
        .all()
    : [];
  const targetById = new Map(targets.map((t) => [t.id, t]));
  const categoryTargets = [...new Set(rules.filter((r) => r.targetType === 'category').map((r) => r.target))].slice(0, 50);
  const categoryCounts = new Map<string, number>();
  for (const category of categoryTargets) {
    const [row] = await db
      .select({ n: count() })
      .from(items)
      .where(and(eq(items.available, true), sql`exists (select 1 from json_each(${items.categories}) where value = ${category})`))
      .all();
    categoryCounts.set(category, row?.n ?? 0);
  }
  const effects: RuleEffect[] = rules.map((rule) => {
    const target = rule.targetType === 'item' ? targetById.get(rule.target) : undefined;
    const state = !rule.enabled ? 'disabled' : ruleInForce(rule, now) ? 'active' : rule.endsAt !== null && rule.endsAt <= now ? 'expired' : 'scheduled';
    return {
      rule,
      targetTitle: target?.title ?? null,
      targetAvailable: rule.targetType === 'item' ? (target?.available ?? null) : null,
      itemsAffected: rule.targetType === 'item' ? (target ? 1 : 0) : (categoryCounts.get(rule.target) ?? 0),
      state,
    };
  });
  return {
    total: totals?.total ?? 0,
    available: Number(totals?.available ?? 0),
    checked: coverage?.checked.length ?? 0,
    without: (coverage?.without ?? []).map((id) => ({ id, title: titles.get(id) ?? id })),
    pinnedUnavailable: effects
      .filter((e) => e.rule.action === 'pin' && e.rule.targetType === 'item' && e.state !== 'expired' && e.targetAvailable !== true)
      .map((e) => ({ ruleId: e.rule.id, id: e.rule.target, title: e.targetTitle })),
    rules: effects,
  };
}

/** Experiments whose results the list reads (the newest ones that ever ran); older ones link to their page. */
const LISTED_RESULTS = 10;

/** Data of the experiments list: every experiment, with results for the newest that ran. */
export async function experimentSummaries(db: Database, d1: D1Database, now = Date.now()): Promise<ExperimentSummary[]> {
  const list = await listExperiments(db);
  const ran = list.filter((e) => e.status !== 'draft').slice(0, LISTED_RESULTS);
  const results = await Promise.all(ran.map((e) => experimentResults(d1, e, now)));
  return list.map((experiment) => ({ experiment, results: results[ran.indexOf(experiment)] ?? null }));
}

/** Refreshes shown in the size charts, and segments drawn besides the RFM groups (each costs one indexed read). */
const SIZE_REFRESHES = 30;
const CHARTED_SEGMENTS = 10;

/** Data of the audiences page: segments, sizes over the last refreshes, RFM movement, campaign delivery. */
export async function audiencesData(db: Database, now = Date.now()): Promise<AudiencesData> {
  const [segments, movement, delivery] = await Promise.all([listSegments(db), rfmMovement(db), campaignDelivery(db, now)]);
  const caps = new Map((await listCampaigns(db, false, now)).map((c) => [c.id, c.caps]));
  const charted = [
    ...segments.filter((s) => s.kind === 'rfm'),
    ...segments.filter((s) => s.kind !== 'rfm' && s.kind !== 'affinity').slice(0, CHARTED_SEGMENTS),
  ];
  const history = await Promise.all(charted.map(async (s) => ({ id: s.id, name: s.name, sizes: await segmentSizesOverTime(db, s.id, SIZE_REFRESHES) })));
  return { segments, history, movement, campaigns: delivery.map((d) => ({ ...d, caps: caps.get(d.id) ?? {} })) };
}

/** What the recommendations page adds to the report: per surface and day, and the items shown most. */
export interface RecommendationDetail {
  /** Impressions and clicks per UTC day and surface (placements split a surface: `similar@pdp`). */
  surfaceDays: { day: string; surface: string; impressions: number; clicks: number; usersReached: number; purchases: number; revenue: number }[];
  topItems: { id: string; title: string | null; impressions: number }[];
}

/** Impressions, clicks, users reached, purchases and revenue per day and surface, and the 15 items recommended most, between two UTC days. */
export async function recommendationDetail(db: Database, from: string, to: string): Promise<RecommendationDetail> {
  const shown = sql<number>`sum(${reportItems.impressions})`;
  const [surfaceDays, top] = await Promise.all([
    db
      .select({
        day: reportUsers.day,
        surface: reportUsers.surface,
        impressions: sql<number>`sum(${reportUsers.impressions})`,
        clicks: sql<number>`sum(${reportUsers.clicks})`,
        usersReached: sql<number>`sum(${reportUsers.impressions} > 0)`,
        purchases: sql<number>`sum(${reportUsers.purchases})`,
        revenue: sql<number>`sum(${reportUsers.revenue})`,
      })
      .from(reportUsers)
      .where(between(reportUsers.day, from, to))
      .groupBy(reportUsers.day, reportUsers.surface)
      .all(),
    db
      .select({ id: reportItems.item, title: items.title, impressions: shown })
      .from(reportItems)
      .leftJoin(items, eq(items.id, reportItems.item))
      .where(between(reportItems.day, from, to))
      .groupBy(reportItems.item)
      .orderBy(desc(shown))
      .limit(15)
      .all(),
  ]);
  return {
    surfaceDays: surfaceDays.map((r) => ({
      ...r,
      impressions: Number(r.impressions),
      clicks: Number(r.clicks),
      usersReached: Number(r.usersReached),
      purchases: Number(r.purchases),
      revenue: Number(r.revenue),
    })),
    topItems: top.map((r) => ({ ...r, impressions: Number(r.impressions) })),
  };
}
