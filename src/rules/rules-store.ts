import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { rules } from '../db/schema.ts';
import type { RecommendKind } from '../serve/types.ts';
import type { Rule } from '../serve/rank.ts';

/** Where a rule can apply: a recommendation kind, or search results. */
export type RuleSurface = RecommendKind | 'search';

/** A stored merchandising rule. */
export interface StoredRule extends Rule {
  id: number;
  /** Surfaces it applies to; empty: every surface. */
  surfaces: RuleSurface[];
  enabled: boolean;
  createdAt: number;
  /** When it starts to apply (null: at once) and stops (null: never), ms since the epoch. */
  startsAt: number | null;
  endsAt: number | null;
}

/** Whether a rule applies at `now`: enabled and inside its dates. */
export function ruleInForce(rule: Pick<StoredRule, 'enabled' | 'startsAt' | 'endsAt'>, now: number): boolean {
  return rule.enabled && (rule.startsAt === null || rule.startsAt <= now) && (rule.endsAt === null || now < rule.endsAt);
}

/** How long an isolate keeps the rules before reading D1 again. */
const RULES_TTL_MS = 10_000;
let cached: { at: number; rules: StoredRule[] } | undefined;

/** Every rule, newest first. */
export async function listRules(db: Database): Promise<StoredRule[]> {
  const rows = await db.select().from(rules).orderBy(rules.id);
  return rows.map((r) => ({
    id: r.id,
    action: r.action as Rule['action'],
    targetType: r.targetType as Rule['targetType'],
    target: r.target,
    amount: r.amount,
    surfaces: JSON.parse(r.surfaces) as RuleSurface[],
    enabled: r.enabled,
    createdAt: r.createdAt,
    startsAt: r.startsAt,
    endsAt: r.endsAt,
  }));
}

/** Adds a rule; returns it. */
export async function addRule(db: Database, rule: Omit<StoredRule, 'id' | 'createdAt'>, now = Date.now()): Promise<StoredRule> {
  const row = await db
    .insert(rules)
    .values({
      action: rule.action,
      targetType: rule.targetType,
      target: rule.target,
      amount: rule.amount,
      surfaces: JSON.stringify(rule.surfaces),
      enabled: rule.enabled,
      createdAt: now,
      startsAt: rule.startsAt,
      endsAt: rule.endsAt,
    })
    .returning()
    .get();
  cached = undefined;
  return { ...rule, id: row.id, createdAt: now };
}

/** Deletes a rule; false when there was none. */
export async function deleteRule(db: Database, id: number): Promise<boolean> {
  const gone = await db.delete(rules).where(eq(rules.id, id)).returning({ id: rules.id });
  cached = undefined;
  return gone.length > 0;
}

/**
 * The rules in force on a surface (enabled and inside their dates), cached per isolate for a few seconds so that requests
 * do not query D1 each time. If D1 fails, the last rules read (or none) apply.
 */
export async function activeRules(db: Database, surface: RuleSurface, now = Date.now()): Promise<Rule[]> {
  if (!cached || now - cached.at > RULES_TTL_MS) {
    try {
      cached = { at: now, rules: (await listRules(db)).filter((r) => r.enabled) };
    } catch (err) {
      console.error('rules unavailable, serving without fresh rules', err);
      cached = { at: now, rules: cached?.rules ?? [] };
    }
  }
  return cached.rules.filter((r) => ruleInForce(r, now) && (r.surfaces.length === 0 || r.surfaces.includes(surface)));
}
