import path from 'node:path';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

const migrations = await readD1Migrations(path.join(import.meta.dirname, 'migrations'));

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        bindings: {
          INGEST_KEY: 'test-ingest-key',
          ADMIN_KEY: 'test-admin-key',
          ALLOWED_ORIGINS: 'https://shop.example',
          TEST_MIGRATIONS: migrations,
        },
      },
    }),
  ],
  test: {
    setupFiles: ['./test/support/apply-migrations.ts'],
    globalSetup: ['./test/support/redis-global-setup.ts'],
    include: ['test/**/*.test.ts'],
  },
});
