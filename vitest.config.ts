import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { configDefaults, defineConfig } from 'vitest/config';

const migrations = await readD1Migrations(path.join(import.meta.dirname, 'migrations'));

/**
 * Wrangler reads the `.dev.vars` beside its configuration (the developer's own keys and
 * settings), so the workers project reads a copy of wrangler.toml in a folder without one.
 */
function configWithoutDevVars(): string {
  const dir = path.join(import.meta.dirname, '.wrangler', 'test-config');
  const abs = (relative: string) => JSON.stringify(path.join(import.meta.dirname, relative));
  const toml = readFileSync(path.join(import.meta.dirname, 'wrangler.toml'), 'utf8')
    .replace(/^main = "(.*)"$/m, (_, main: string) => `main = ${abs(main)}`)
    .replaceAll(/^migrations_dir = "(.*)"$/gm, (_, dir: string) => `migrations_dir = ${abs(dir)}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'wrangler.toml'), toml);
  return path.join(dir, 'wrangler.toml');
}

/** Every variable and binding name of wrangler.toml's top level (test/dev-vars-isolation.test.ts). */
function declaredNames(): string[] {
  const top = readFileSync(path.join(import.meta.dirname, 'wrangler.toml'), 'utf8').split(/^\[env\./m)[0]!;
  return [...top.matchAll(/^([A-Z][A-Z0-9_]*)\s*=|^(?:binding|name)\s*=\s*"([A-Z][A-Z0-9_]*)"/gm)].map((m) => (m[1] ?? m[2])!);
}

export default defineConfig({
  test: {
    // Fallback paths log the store failures the tests cause on purpose: shown for a failing test only.
    silent: 'passed-only',
    projects: [
      {
        // Unit and integration tests inside workerd, against the real local D1 and KV.
        plugins: [
          cloudflareTest({
            wrangler: { configPath: configWithoutDevVars() },
            miniflare: {
              bindings: {
                INGEST_KEY: 'test-ingest-key',
                ADMIN_KEY: 'test-admin-key',
                ALLOWED_ORIGINS: 'https://shop.example',
                USER_TOKEN_SECRET: 'test-user-token-secret',
                // Tests send thousands of requests from one address; test/hardening/rate-limits.test.ts turns them on.
                RATE_LIMITS: 'off',
                TEST_MIGRATIONS: migrations,
                TEST_DECLARED: declaredNames(),
              },
              ratelimits: { TIGHT_RATE_LIMIT: { namespace_id: '9901', simple: { limit: 5, period: 60 } } },
            },
          }),
        ],
        test: {
          name: 'workers',
          // Several tests run whole rebuilds; on a loaded 2-core machine they take more than the default 5 s.
          testTimeout: 30_000,
          // beforeAll hooks load a shop and rebuild it: over 10 s on the loaded machine.
          hookTimeout: 60_000,
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
          globalSetup: ['./test/support/shared-data.ts'],
          include: ['test/browser/**/*.test.ts', 'test/cli/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
