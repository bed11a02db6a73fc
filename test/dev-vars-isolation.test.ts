import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

/** Set by vitest.config.ts, beside TIGHT_RATE_LIMIT. */
const TEST_BINDINGS = [
  'INGEST_KEY',
  'ADMIN_KEY',
  'ALLOWED_ORIGINS',
  'USER_TOKEN_SECRET',
  'RATE_LIMITS',
  'TEST_MIGRATIONS',
  'TEST_DECLARED',
  'TIGHT_RATE_LIMIT',
];

describe('the tests’ environment', () => {
  it('holds nothing from the developer’s .dev.vars: only names wrangler.toml and vitest.config.ts declare', () => {
    const declared = new Set([...(env as unknown as { TEST_DECLARED: string[] }).TEST_DECLARED, ...TEST_BINDINGS]);
    expect(declared.has('DB') && declared.has('TABLE_STORE')).toBe(true);
    expect(Object.keys(env).filter((name) => !declared.has(name) && !name.startsWith('__VITEST_POOL_WORKERS_'))).toEqual([]);
    expect(env.ADMIN_KEY).toBe('test-admin-key');
  });
});
