import { RFM_GROUPS, type RfmCuts, type RfmGroup, type RfmScores, rfmFigures, rfmGroup, rfmScores } from './rfm.ts';
import type { ProductAudience } from './product-audience.ts';
import { type RuleGroup, type RuleSubject, matchesRules } from './segment-rules.ts';
import type { ShopperFacts } from './shopper-facts.ts';

/** A segment a shop defined: rules over profile fields and context, or a product audience. */
export type SegmentDefinition =
  { id: string; name: string; kind: 'custom'; rules: RuleGroup } | { id: string; name: string; kind: 'audience'; audience: ProductAudience };

/** Buyers whose last purchase is older than this are lapsed. */
export const LAPSED_DAYS = 60;
/** Shoppers first seen this recently who have not bought are new visitors. */
export const NEW_VISITOR_DAYS = 7;
/** A category is a shopper's affinity when it is their top one or holds at least this share. */
export const AFFINITY_SHARE = 0.3;

const DAY_MS = 86_400_000;

/**
 * The name of a built-in segment id (`rfm:<group>`, `affinity:<category>`, `lapsed`,
 * `new-visitors`), or undefined for any other id.
 */
export function builtinSegmentName(id: string): string | undefined {
  if (id.startsWith('rfm:')) return RFM_GROUPS[id.slice(4) as RfmGroup] ? `RFM: ${RFM_GROUPS[id.slice(4) as RfmGroup].name}` : undefined;
  if (id.startsWith('affinity:')) return `Category affinity: ${id.slice(9)}`;
  if (id === 'lapsed') return 'Lapsed buyers';
  if (id === 'new-visitors') return 'New visitors';
  return undefined;
}

/** The built-in segment ids of every RFM group. */
export const RFM_SEGMENT_IDS = (Object.keys(RFM_GROUPS) as RfmGroup[]).map((g) => `rfm:${g}`);

/** Where a shopper stands: RFM scores and group, and the segments they belong to (id -> score). */
export interface Assignment {
  rfm: RfmScores | null;
  group: RfmGroup | null;
  segments: Record<string, number>;
}

/**
 * Assigns one shopper to segments as of `now`: the RFM grid group (buyers only), category
 * affinities, lapsed buyers, new visitors, every matching custom segment, and the product
 * audiences whose score reaches the audience's floor (`audienceFloors`, from its size). A
 * shopper who opted out belongs to none.
 */
export function assignSegments(
  facts: ShopperFacts,
  cuts: RfmCuts,
  definitions: readonly SegmentDefinition[],
  now: number,
  audienceFloors: ReadonlyMap<string, number> = new Map(),
): Assignment {
  const figures = rfmFigures(facts, now);
  const rfm = figures && cuts.orders.length > 0 ? rfmScores(figures, cuts) : null;
  const group = rfm ? rfmGroup(rfm) : null;
  const segments: Record<string, number> = {};
  if (facts.optOut) return { rfm, group, segments };
  if (group) segments[`rfm:${group}`] = 0;
  facts.categories.forEach(([category, share], i) => {
    if (i === 0 || share >= AFFINITY_SHARE) segments[`affinity:${category}`] = 0;
  });
  if (facts.lastPurchase !== null && now - facts.lastPurchase > LAPSED_DAYS * DAY_MS) segments.lapsed = 0;
  if (facts.orders === 0 && now - facts.firstSeen <= NEW_VISITOR_DAYS * DAY_MS) segments['new-visitors'] = 0;
  const subject: RuleSubject = { facts, rfm, group, now };
  for (const definition of definitions) {
    if (definition.kind === 'custom') {
      if (matchesRules(subject, definition.rules)) segments[definition.id] = 0;
      continue;
    }
    const score = facts.audiences?.[definition.id] ?? 0;
    if (score > 0 && score >= (audienceFloors.get(definition.id) ?? 0) && !boughtTarget(facts, definition.audience)) segments[definition.id] = score;
  }
  return { rfm, group, segments };
}

/** Whether fresh purchases (known at request time) took a shopper out of an item audience. */
function boughtTarget(facts: ShopperFacts, audience: ProductAudience): boolean {
  return audience.item !== undefined && facts.purchased.includes(audience.item);
}
