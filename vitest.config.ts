import path from 'node:path';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { configDefaults, defineConfig } from 'vitest/config';

const migrations = await readD1Migrations(path.join(import.meta.dirname, 'migrations'));

export default defineConfig({
  test: {
    projects: [
      {
        // Unit and integration tests inside workerd, against the real local D1 and KV.
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: {
                INGEST_KEY: 'test-ingest-key',
                ADMIN_KEY: 'test-admin-key',
                ALLOWED_ORIGINS: 'https://shop.example',
                USER_TOKEN_SECRET: 'test-user-token-secret',
                // Tests send thousands of requests from one address; test/hardening/rate-limits.test.ts turns them on.
                RATE_LIMITS: 'off',
                TEST_MIGRATIONS: migrations,
              },
              ratelimits: { TIGHT_RATE_LIMIT: { namespace_id: '9901', simple: { limit: 5, period: 60 } } },
            },
          }),
        ],
        test: {
          name: 'workers',
          // Several tests run whole rebuilds; on a loaded 2-core machine they take more than the default 5 s.
          testTimeout: 30_000,
          setupFiles: ['./test/support/apply-migrations.ts'],
          globalSetup: ['./test/support/redis-global-setup.ts'],
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/browser/**', 'test/cli/**'],
        },
      },
      {
        // End-to-end tests in Node: `wrangler dev` plus a real Chromium driving a shop page, and `npm start` itself.
        test: {
          name: 'browser',
          environment: 'node',
          include: ['test/browser/**/*.test.ts', 'test/cli/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
