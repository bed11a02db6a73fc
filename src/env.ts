import type { RateLimitBindings } from './limits/rate-limit.ts';

/** Bindings and variables every function of the engine can see (wrangler.toml, .dev.vars). */
export interface Env extends RateLimitBindings {
  DB: D1Database;
  TABLES: KVNamespace;
  /** Public key for collection and read-only recommendation endpoints; safe in a shop's page. */
  INGEST_KEY: string;
  /** Secret key for catalog, erasure, rebuild and admin endpoints. */
  ADMIN_KEY: string;
  /** `true`: the public key acts only for the shopper a signed user token names (recommended in production). */
  REQUIRE_USER_TOKEN?: string;
  /** Secret the shop's backend signs user tokens with (HMAC-SHA256); a Worker secret, never in a page. */
  USER_TOKEN_SECRET?: string;
  /** Comma-separated list of shop origins allowed by CORS (empty: none; see `allowedOrigin`). */
  ALLOWED_ORIGINS?: string;
  /** "kv" (default) or "redis". */
  TABLE_STORE?: string;
  UPSTASH_REDIS_REST_URL?: string;
  /** Queue that carries the parts of a rebuild too large for one invocation. */
  REBUILD_QUEUE?: Queue<unknown>;
  REBUILD_WINDOW_DAYS?: string;
  REBUILD_K?: string;
  REBUILD_PAGE_SIZE?: string;
  REBUILD_TTL_DAYS?: string;
  /** A number, or `auto`. */
  REBUILD_PARTS?: string;
  /** `off` skips the model selection (the default model is published). */
  REBUILD_SELECTION?: string;
  /** `off` leaves content blends (similar lists from catalog titles) out of the model selection. */
  REBUILD_CONTENT?: string;
  /** The cron expression (of `[triggers]`) that refreshes trending instead of rebuilding. */
  TRENDING_CRON?: string;
  UPSTASH_REDIS_REST_TOKEN?: string;
  /** Attribution: minutes after an impression during which a click (or, failing one, a purchase) counts as view-through. */
  ATTRIBUTION_VIEW_MINUTES?: string;
  /** Attribution: hours after a recommendation click during which a cart or purchase counts as click-through. */
  ATTRIBUTION_CLICK_HOURS?: string;
  /** Most events one roll-up run reads (the next run goes on). */
  ROLLUP_MAX_EVENTS?: string;
  /** Where chat handoffs are POSTed (signed with `CHAT_HANDOFF_SECRET`); unset: no webhook. */
  CHAT_HANDOFF_URL?: string;
  /** The shop's secret for the handoff webhook's HMAC signature (a wrangler secret). */
  CHAT_HANDOFF_SECRET?: string;
  /** Workers AI (`[ai] binding = "AI"`): when set, the chat fuses `@cf/baai/bge-m3` embeddings with its lexical scores. */
  AI?: { run(model: string, input: { text: string[] }): Promise<unknown> };
  /** The event archive (R2, src/archive): every stored event is also appended here, by hour. */
  ARCHIVE?: R2Bucket;
  /** Wakes the archiver when a batch was stored (the cron sweeps too). */
  ARCHIVE_QUEUE?: Queue<unknown>;
  /** With the archive on: days of events D1 keeps (older archived events are pruned by the cron); empty: D1 keeps all. */
  ARCHIVE_D1_DAYS?: string;
  /** `worker` (default): the cron rebuilds in the Worker; `container`: the Workflow runs the offline job in a Container (src/offline). */
  REBUILD_RUNNER?: string;
  /** The Workflow that runs the offline rebuild (src/offline/README.md shows its wrangler.toml lines). */
  REBUILD_WORKFLOW?: Workflow<{ runId: string; at: number }>;
  /** The Durable Object that owns the offline job's Container. */
  REBUILD_JOB?: DurableObjectNamespace;
  /** The shop's IANA time zone: campaign caps "per day" count on its calendar day (default UTC). */
  SHOP_TIME_ZONE?: string;
  /** The shop's currency (ISO 4217, e.g. `EUR`): widget prices show it unless a widget asks for another (`data-currency`). */
  SHOP_CURRENCY?: string;
}
