import { z } from '@hono/zod-openapi';
import type { RfmGroup, RfmScores } from './rfm.ts';
import type { ShopperFacts } from './shopper-facts.ts';

const NUMBER_FIELDS = [
  'orders',
  'monetary',
  'daysSinceLastPurchase',
  'daysSinceLastSeen',
  'daysSinceFirstSeen',
  'recencyScore',
  'frequencyScore',
  'monetaryScore',
] as const;
const TEXT_FIELDS = ['country', 'device', 'source', 'rfmGroup', 'topCategory'] as const;
const DATE_FIELDS = ['firstSeen', 'lastSeen', 'lastPurchase'] as const;
const CATEGORY_PREFIX = 'category.';
const OPS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'notIn'] as const;

/** One condition over a shopper: `{ field, op, value }`. */
export const SegmentRuleSchema = z
  .object({
    field: z.string().openapi({
      description:
        `A number (${NUMBER_FIELDS.join(', ')}, or \`category.<name>\` for the share 0-1 of a category), ` +
        `text (${TEXT_FIELDS.join(', ')}) or a date (${DATE_FIELDS.join(', ')}: ISO date or ms).`,
      example: 'country',
    }),
    op: z.enum(OPS),
    value: z.union([z.number(), z.string().min(1).max(128), z.array(z.string().min(1).max(128)).min(1).max(100)]).openapi({ example: 'DE' }),
  })
  .superRefine((rule, ctx) => {
    const kind = fieldKind(rule.field);
    if (!kind) return ctx.addIssue({ code: 'custom', path: ['field'], message: `unknown field ${rule.field}` });
    const list = rule.op === 'in' || rule.op === 'notIn';
    if (list !== Array.isArray(rule.value))
      return ctx.addIssue({ code: 'custom', path: ['value'], message: list ? 'in/notIn take a list' : 'takes one value' });
    if (kind === 'text' && !list && !['eq', 'ne'].includes(rule.op))
      ctx.addIssue({ code: 'custom', path: ['op'], message: 'text fields take eq, ne, in, notIn' });
    if (kind !== 'text' && list) ctx.addIssue({ code: 'custom', path: ['op'], message: 'numbers and dates take eq, ne, gt, gte, lt, lte' });
    if (kind === 'number' && typeof rule.value !== 'number') ctx.addIssue({ code: 'custom', path: ['value'], message: 'must be a number' });
    if (kind === 'date' && Number.isNaN(dateValue(rule.value))) ctx.addIssue({ code: 'custom', path: ['value'], message: 'must be an ISO date or ms' });
  })
  .openapi('SegmentRule');

/** Conditions combined with `all` (and) or `any` (or). */
export const RuleGroupSchema = z
  .object({
    match: z.enum(['all', 'any']).default('all'),
    rules: z.array(SegmentRuleSchema).min(1).max(20),
  })
  .openapi('SegmentRules');

export type SegmentRule = z.infer<typeof SegmentRuleSchema>;
export type RuleGroup = z.infer<typeof RuleGroupSchema>;

/** What rules read about a shopper: the facts plus RFM scores and group as of `now`. */
export interface RuleSubject {
  facts: ShopperFacts;
  rfm: RfmScores | null;
  group: RfmGroup | null;
  now: number;
}

function fieldKind(field: string): 'number' | 'text' | 'date' | undefined {
  if ((NUMBER_FIELDS as readonly string[]).includes(field) || (field.startsWith(CATEGORY_PREFIX) && field.length > CATEGORY_PREFIX.length)) return 'number';
  if ((TEXT_FIELDS as readonly string[]).includes(field)) return 'text';
  if ((DATE_FIELDS as readonly string[]).includes(field)) return 'date';
  return undefined;
}

function dateValue(value: unknown): number {
  if (typeof value === 'number') return value;
  return typeof value === 'string' ? Date.parse(value) : NaN;
}

const DAY_MS = 86_400_000;
const days = (now: number, ts: number | null) => (ts === null ? undefined : Math.floor((now - ts) / DAY_MS));

/** The value of a field for a subject; undefined when the shopper has none (a rule on it is then false). */
export function fieldValue(subject: RuleSubject, field: string): number | string | undefined {
  const { facts, rfm, now } = subject;
  if (field.startsWith(CATEGORY_PREFIX)) {
    const name = field.slice(CATEGORY_PREFIX.length);
    return facts.categories.find(([c]) => c === name)?.[1] ?? 0;
  }
  switch (field) {
    case 'orders':
      return facts.orders;
    case 'monetary':
      return facts.monetary;
    case 'daysSinceLastPurchase':
      return days(now, facts.lastPurchase);
    case 'daysSinceLastSeen':
      return days(now, facts.lastSeen);
    case 'daysSinceFirstSeen':
      return days(now, facts.firstSeen);
    case 'recencyScore':
      return rfm?.[0];
    case 'frequencyScore':
      return rfm?.[1];
    case 'monetaryScore':
      return rfm?.[2];
    case 'country':
      return facts.country;
    case 'device':
      return facts.device;
    case 'source':
      return facts.source;
    case 'rfmGroup':
      return subject.group ?? undefined;
    case 'topCategory':
      return facts.categories[0]?.[0];
    case 'firstSeen':
      return facts.firstSeen;
    case 'lastSeen':
      return facts.lastSeen;
    case 'lastPurchase':
      return facts.lastPurchase ?? undefined;
    default:
      return undefined;
  }
}

/** Whether one rule holds. Text compares case-insensitively; a missing value never matches. */
export function ruleHolds(subject: RuleSubject, rule: SegmentRule): boolean {
  const actual = fieldValue(subject, rule.field);
  if (actual === undefined) return false;
  if (typeof actual === 'string') {
    const a = actual.toLowerCase();
    const list = (Array.isArray(rule.value) ? rule.value : [String(rule.value)]).map((v) => v.toLowerCase());
    const found = list.includes(a);
    return rule.op === 'ne' || rule.op === 'notIn' ? !found : found;
  }
  const expected = fieldKind(rule.field) === 'date' ? dateValue(rule.value) : Number(rule.value);
  switch (rule.op) {
    case 'eq':
      return actual === expected;
    case 'ne':
      return actual !== expected;
    case 'gt':
      return actual > expected;
    case 'gte':
      return actual >= expected;
    case 'lt':
      return actual < expected;
    case 'lte':
      return actual <= expected;
    default:
      return false;
  }
}

/**
 * Whether a shopper matches a rule group.
 *
 * @example
 * matchesRules(subject, { match: 'all', rules: [{ field: 'country', op: 'eq', value: 'DE' }, { field: 'orders', op: 'gte', value: 2 }] });
 */
export function matchesRules(subject: RuleSubject, group: RuleGroup): boolean {
  return group.match === 'any' ? group.rules.some((r) => ruleHolds(subject, r)) : group.rules.every((r) => ruleHolds(subject, r));
}
