import { z } from '@hono/zod-openapi';
import { TimestampSchema } from '../http/timestamp.ts';
import { IdSchema } from '../collect/event-schema.ts';

/** Priority tiers, highest first (as in ad servers): a lower tier serves only when no higher one is eligible. */
export const TIERS = ['override', 'contract', 'remnant', 'house'] as const;
export type Tier = (typeof TIERS)[number];

const url = z
  .string()
  .max(2048)
  .refine((u) => /^https?:\/\//i.test(u) && URL.canParse(u), 'must be an http(s) URL');
const time = TimestampSchema;

/** What a campaign shows. */
export const CreativeSchema = z
  .object({
    title: z.string().min(1).max(200),
    text: z.string().max(1000).optional(),
    image: url.optional(),
    link: url.optional(),
    items: z.array(IdSchema).max(10).optional().openapi({ description: 'Featured items.' }),
  })
  .openapi('Creative');

/** Who a campaign is for; every given condition must hold, an empty target is everyone. */
export const TargetSchema = z
  .object({
    segments: z.array(z.string().min(1).max(200)).max(50).optional().openapi({
      description: 'The shopper is in any of these segments (built-in such as `rfm:champions` or `affinity:audio`, custom, or a product audience).',
    }),
    excludeSegments: z.array(z.string().min(1).max(200)).max(50).optional(),
    countries: z.array(z.string().length(2)).max(250).optional(),
    devices: z.array(z.string().min(1).max(64)).max(20).optional(),
  })
  .openapi('Target');

/** Per-shopper frequency caps; per day counts on the shop's calendar day (`SHOP_TIME_ZONE`). */
export const CapsSchema = z
  .object({
    perDay: z.number().int().min(1).max(1_000_000).optional(),
    perWeek: z.number().int().min(1).max(1_000_000).optional(),
    perSession: z.number().int().min(1).max(1_000_000).optional(),
  })
  .openapi('Caps');

/** Campaign ids: lower-case letters, digits and dashes (they go in rids and item ids). */
export const CampaignIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be 1-63 lower-case letters, digits and dashes');

/** A campaign as the API takes it (the id is in the path). */
export const CampaignBodySchema = z
  .object({
    name: z.string().min(1).max(200),
    enabled: z.boolean().default(true),
    creative: CreativeSchema,
    target: TargetSchema.default({}),
    placements: z.array(z.string().min(1).max(64)).max(50).default([]).openapi({ description: 'Where it may show; empty: any placement.' }),
    tier: z.enum(TIERS).default('contract'),
    weight: z.number().positive().max(1000).default(1).openapi({ description: 'Share within its tier (weighted lottery).' }),
    startsAt: time.optional().openapi({ description: 'ms or ISO date; default now.' }),
    endsAt: time.optional(),
    goal: z
      .object({ type: z.enum(['impressions', 'clicks']), total: z.number().int().min(1).max(1e12) })
      .optional()
      .openapi({ description: 'Delivered evenly over the schedule when it has an end, else as fast as eligible.' }),
    caps: CapsSchema.default({}),
  })
  .openapi('CampaignInput');

/** A validated campaign body. */
export type CampaignSpec = z.infer<typeof CampaignBodySchema>;
export type Creative = z.infer<typeof CreativeSchema>;
export type Target = z.infer<typeof TargetSchema>;
export type Caps = z.infer<typeof CapsSchema>;

/** A stored campaign with its delivery counters. */
export interface Campaign {
  id: string;
  name: string;
  enabled: boolean;
  creative: Creative;
  target: Target;
  placements: string[];
  tier: Tier;
  weight: number;
  startsAt: number;
  endsAt: number | null;
  goal: { type: 'impressions' | 'clicks'; total: number } | null;
  caps: Caps;
  createdAt: number;
  /** Picks that reserved a slot (the impression decisions). */
  served: number;
  /** Impressions and clicks tracked through the event API (rolled up by the 5-minute cron). */
  impressions: number;
  clicks: number;
}

/** Whether a target says nothing (everyone): the only campaigns a shopper who opted out may get. */
export function untargeted(target: Target): boolean {
  return !target.segments?.length && !target.excludeSegments?.length && !target.countries?.length && !target.devices?.length;
}
