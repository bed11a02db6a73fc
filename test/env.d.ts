import type { D1Migration } from 'cloudflare:test';
import type { Env as EngineEnv } from '../src/env.ts';

declare global {
  namespace Cloudflare {
    interface GlobalProps {
      mainModule: typeof import('../functions/index.ts');
    }
    interface Env extends EngineEnv {
      TEST_MIGRATIONS: D1Migration[];
    }
  }
}
