/**
 * `npm run deploy`: the engine onto a Cloudflare account (see src/deploy/README.md).
 * `npm run deploy -- --dry-run` reads the account and prints what it would do.
 */
import path from 'node:path';
import { runDeploy } from '../deploy/run-deploy.ts';
import { wranglerCli } from '../deploy/wrangler-cli.ts';
import { UserError, parseCli, runCli } from './args.ts';
import { ROOT } from './local-stack.ts';

const USAGE = `Usage: npm run deploy -- [--env staging|production] [--dry-run] [--free] [--config wrangler.toml]

  --env      the environment of wrangler.toml to deploy (default production)
  --dry-run  read the account and print the commands and the configuration it would write; change nothing
  --free     the Workers Free plan: no queue, rebuilds run unsplit (small catalogs only)
  --config   the configuration to read and write (default: the project's wrangler.toml)

Needs a logged-in wrangler: npx wrangler login (or CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID).`;

runCli(async () => {
  const { values } = parseCli(USAGE, {
    env: { type: 'string', default: 'production' },
    'dry-run': { type: 'boolean', default: false },
    free: { type: 'boolean', default: false },
    config: { type: 'string', default: path.join(ROOT, 'wrangler.toml') },
  });
  if (!['staging', 'production'].includes(values.env)) throw new UserError(`--env must be staging or production, not "${values.env}"`);
  const report = await runDeploy(wranglerCli(ROOT), {
    configPath: path.resolve(values.config),
    env: values.env,
    dryRun: values['dry-run'],
    free: values.free,
    log: (line) => console.log(line),
  });
  const generated = Object.entries(report.generatedSecrets);
  if (generated.length && !values['dry-run']) {
    console.log(`\nNew keys of ${values.env} (printed this once; keep the admin key and the token secret in your password manager):`);
    for (const [name, value] of generated) console.log(`  ${name}=${value}`);
  }
  if (!values['dry-run'])
    console.log(`\nDone: ${report.url}. Point the shop at it with widget.js: <script src="${report.url}/widget.js" data-key="INGEST_KEY" async></script>`);
  else console.log(`\n${report.changes.length} change(s) to make. Run without --dry-run to make them.`);
});
