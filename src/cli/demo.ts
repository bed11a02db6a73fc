/**
 * `npm run demo`: loads the demo shop into an engine started with `npm start -- --no-demo`
 * (PORT as for `npm start`). Only into an empty catalog: never mixed with the user's own items.
 */
import { existsSync } from 'node:fs';
import { UserError, parseCli, runCli } from './args.ts';
import { catalogKind, loadDemoShop } from './demo-shop.ts';
import { engineClient } from './engine-client.ts';
import { devVarsPath, ensureDevVars } from './local-stack.ts';

const USAGE = `Usage: npm run demo [-- --url http://127.0.0.1:8787]

Loads the demo shop (350 products, four weeks of behaviour, the FAQ) into the running engine
and rebuilds its tables. Refuses when the catalog holds items of your own (npm run reset empties it).`;

runCli(async () => {
  const { values } = parseCli(USAGE, { url: { type: 'string', default: `http://127.0.0.1:${process.env.PORT ?? 8787}` } });
  if (!existsSync(devVarsPath())) throw new UserError('no .dev.vars yet: start the engine first with `npm start -- --no-demo`.');
  const { keys } = ensureDevVars();
  const engine = engineClient(values.url);
  try {
    await engine.request('GET', '/health', keys.ingest);
  } catch {
    throw new UserError(`no engine answers on ${values.url}: start it with \`npm start -- --no-demo\` in another terminal (or pass --url).`);
  }
  const catalog = await catalogKind(engine, keys.admin);
  if (catalog.kind === 'demo') return console.log(`The demo shop is already loaded (${catalog.items} products).`);
  if (catalog.kind === 'own')
    throw new UserError(
      `the catalog holds items of your own (${catalog.example}, ...): the demo shop is loaded only into an empty catalog, so the two never mix. \`npm run reset\` drops the local state (keys kept).`,
    );
  const started = Date.now();
  console.log('Loading the demo shop...');
  const loaded = await loadDemoShop(engine, keys);
  const rebuilt = await engine.rebuild(keys.admin);
  console.log(
    `Loaded the demo shop: ${loaded.products} products, ${loaded.events} events, ${loaded.faqEntries} FAQ entries; tables ${rebuilt.status} ${rebuilt.version} (${((Date.now() - started) / 1000).toFixed(1)} s).`,
  );
});
