import type { D1Migration } from 'cloudflare:test';
import type { Env as EngineEnv } from '../src/env.ts';

declare global {
  namespace Cloudflare {
    interface Env extends EngineEnv {
      TEST_MIGRATIONS: D1Migration[];
    }
  }
}
