/** Bindings and variables every function of the engine can see (wrangler.toml, .dev.vars). */
export interface Env {
  DB: D1Database;
  TABLES: KVNamespace;
  /** Public key for collection and read-only recommendation endpoints; safe in a shop's page. */
  INGEST_KEY: string;
  /** Secret key for catalog, erasure, rebuild and admin endpoints. */
  ADMIN_KEY: string;
  /** Comma-separated list of shop origins allowed by CORS ("*" for any). */
  ALLOWED_ORIGINS?: string;
  /** "kv" (default) or "redis". */
  TABLE_STORE?: string;
  UPSTASH_REDIS_REST_URL?: string;
  UPSTASH_REDIS_REST_TOKEN?: string;
}
