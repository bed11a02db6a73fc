import type { Env } from '../env.ts';
import type { RebuildSettings } from './build-part.ts';

/** Rebuild settings with their defaults; each can be set as a variable in wrangler.toml. */
export interface RebuildConfig extends RebuildSettings {
  /** Parts to split a run into: a number, or `auto` (from the catalog size and KV's 1,000 operations per invocation). */
  parts: number | 'auto';
}

/** Reads the rebuild settings from the environment. */
export function rebuildConfig(env: Partial<Env>): RebuildConfig {
  const num = (value: string | undefined, fallback: number) => (value && Number.isFinite(Number(value)) ? Number(value) : fallback);
  return {
    windowDays: num(env.REBUILD_WINDOW_DAYS, 90),
    k: num(env.REBUILD_K, 100),
    pageSize: num(env.REBUILD_PAGE_SIZE, 5000),
    ttlSeconds: num(env.REBUILD_TTL_DAYS, 7) * 86_400,
    parts: env.REBUILD_PARTS && env.REBUILD_PARTS !== 'auto' ? num(env.REBUILD_PARTS, 1) : 'auto',
    selection: env.REBUILD_SELECTION !== 'off',
    content: env.REBUILD_CONTENT !== 'off',
  };
}
