/**
 * `npm run reset`: drops the local state (D1, KV, caches under `.wrangler/state`) and keeps
 * `.dev.vars`, so the keys pages and scripts use stay valid. Refuses while an engine runs on it.
 */
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { UserError, parseCli, runCli } from './args.ts';
import { ROOT, localStateDir } from './local-stack.ts';

const USAGE = `Usage: npm run reset

Drops the local D1 and KV state (.wrangler/state); keeps the keys in .dev.vars.
The next npm start begins empty (and loads the demo shop unless --no-demo).`;

runCli(async () => {
  parseCli(USAGE, {});
  const url = `http://127.0.0.1:${process.env.PORT ?? 8787}`;
  // Something that accepts the connection but does not answer in time (an engine on a loaded machine) counts as running.
  const running = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) }).then(
    () => true,
    (err: unknown) => err instanceof Error && err.name === 'TimeoutError',
  );
  if (running) throw new UserError(`an engine is running on ${url}: stop npm start (Ctrl-C) first.`);
  const state = localStateDir() ?? path.join(ROOT, '.wrangler', 'state');
  if (!existsSync(state)) return console.log('No local state to drop. Keys in .dev.vars kept.');
  rmSync(state, { recursive: true, force: true });
  console.log(`Dropped the local state (${path.relative(ROOT, state)}). Keys in .dev.vars kept.`);
});
