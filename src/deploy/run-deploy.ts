import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UserError } from '../cli/args.ts';
import { declaredQueue, readEnv, writeEnv } from './config.ts';
import type { Wrangler, WranglerResult } from './wrangler-cli.ts';

/** Options of {@link runDeploy}. */
export interface DeployOptions {
  /** `wrangler.toml` to read and write. */
  configPath: string;
  /** `staging` or `production`: an `[env.NAME]` of the configuration. */
  env: string;
  /** Read the account, print what would change, change nothing. */
  dryRun: boolean;
  /** The Workers Free plan: no queue (rebuilds run unsplit). */
  free: boolean;
  /** Where progress goes (one line per step). */
  log: (line: string) => void;
  /** Checks the deployed `/health` (the tests pass a stand-in's). */
  fetchHealth?: (url: string) => Promise<{ status: number; body: string }>;
}

/** What a deploy did (or, in a dry run, would do). */
export interface DeployReport {
  /** The wrangler commands that change the account, in order (run, or in a dry run not run). */
  changes: string[];
  /** Whether `wrangler.toml` was (or would be) rewritten. */
  configChanged: boolean;
  /** Generated secrets (name -> value), printed once; empty when all were set before. */
  generatedSecrets: Record<string, string>;
  url?: string;
}

/** Secrets the engine needs on a real account (generated when missing, never overwritten). */
export const SECRETS = ['INGEST_KEY', 'ADMIN_KEY', 'USER_TOKEN_SECRET'] as const;
const PREFIX: Record<(typeof SECRETS)[number], string> = { INGEST_KEY: 'ing', ADMIN_KEY: 'adm', USER_TOKEN_SECRET: 'uts' };
const NEW = '<created by the deploy>';

/**
 * Creates or reuses an environment's D1 database, KV namespace and queue through wrangler,
 * writes their ids into the configuration, applies the migrations remotely, uploads the secrets
 * that are missing with the Worker, deploys and checks `/health`. A second run creates nothing,
 * writes nothing and generates no key. A dry run runs only wrangler's read commands.
 */
export async function runDeploy(wrangler: Wrangler, options: DeployOptions): Promise<DeployReport> {
  const { env, dryRun, log } = options;
  const config = ['--config', options.configPath];
  const report: DeployReport = { changes: [], configChanged: false, generatedSecrets: {} };
  const read = (args: string[]) => ok(wrangler([...args, ...config]), args);
  const change = (args: string[]): WranglerResult | undefined => {
    const full = [...args, ...config];
    report.changes.push(`wrangler ${full.join(' ')}`);
    if (dryRun) log(`    would run: wrangler ${args.join(' ')}`);
    return dryRun ? undefined : ok(wrangler(full), args);
  };

  const toml = readFileSync(options.configPath, 'utf8');
  const declared = readEnv(toml, env);
  const queueName = declaredQueue(toml, env);
  const whoami = wrangler(['whoami', '--json', ...config]);
  if (whoami.status !== 0)
    throw new UserError(
      'wrangler is not logged in to a Cloudflare account: run `npx wrangler login` (or set CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID), then run this again.',
    );
  const accounts = (parseJson(whoami.stdout, 'whoami') as { accounts?: { name: string; id: string }[] }).accounts ?? [];
  const accountId = process.env.CLOUDFLARE_ACCOUNT_ID;
  if (accounts.length > 1 && !accountId)
    throw new UserError(
      `this login has ${accounts.length} accounts (${accounts.map((a) => `${a.name} ${a.id}`).join(', ')}): set CLOUDFLARE_ACCOUNT_ID to the one to deploy to.`,
    );
  const account = accounts.find((a) => a.id === accountId) ?? accounts[0];
  log(
    `${dryRun ? 'Dry run: nothing is created, written or deployed. ' : ''}Deploying ${declared.worker} (environment ${env}) to ${account ? `${account.name} (${account.id})` : 'your account'}.`,
  );

  const databases = parseJson(read(['d1', 'list', '--json']).stdout, 'd1 list') as { uuid: string; name: string }[];
  let d1Id = databases.find((d) => d.name === declared.d1.name)?.uuid;
  log(`  D1 database ${declared.d1.name}: ${d1Id ? `exists (${d1Id})` : dryRun ? 'to create' : 'creating'}`);
  if (!d1Id) {
    change(['d1', 'create', declared.d1.name]);
    d1Id = dryRun
      ? NEW
      : (parseJson(read(['d1', 'list', '--json']).stdout, 'd1 list') as { uuid: string; name: string }[]).find((d) => d.name === declared.d1.name)?.uuid;
    if (!d1Id) throw new Error(`wrangler d1 create ${declared.d1.name} succeeded but the database is not listed`);
  }

  const kvTitle = `${declared.worker}-tables`;
  const namespaces = () => parseJson(read(['kv', 'namespace', 'list']).stdout, 'kv namespace list') as { id: string; title: string }[];
  let kvId = namespaces().find((n) => n.title === kvTitle)?.id;
  log(`  KV namespace ${kvTitle}: ${kvId ? `exists (${kvId})` : dryRun ? 'to create' : 'creating'}`);
  if (!kvId) {
    change(['kv', 'namespace', 'create', kvTitle]);
    kvId = dryRun ? NEW : namespaces().find((n) => n.title === kvTitle)?.id;
    if (!kvId) throw new Error(`wrangler kv namespace create ${kvTitle} succeeded but the namespace is not listed`);
  }

  if (queueName && options.free) {
    log(`  Queue ${queueName}: off (--free). Rebuilds run unsplit, in one invocation with the free plan's 10 ms of CPU:`);
    log(
      '    enough for a catalog of a few hundred items at most. The Workers Paid plan ($5/month) lifts it to 30 s (up to 5 min) and splits big rebuilds over the queue.',
    );
  } else if (queueName) {
    const exists = wrangler(['queues', 'info', queueName, ...config]).status === 0;
    log(`  Queue ${queueName}: ${exists ? 'exists' : dryRun ? 'to create' : 'creating'}`);
    if (!exists) change(['queues', 'create', queueName]);
  }

  const next = writeEnv(toml, env, { d1Id, kvId, queueOn: !options.free });
  report.configChanged = next !== toml;
  const file = path.basename(options.configPath);
  if (!report.configChanged) log(`  ${file}: unchanged`);
  else if (dryRun) log(`  ${file}: would be rewritten:\n${diff(toml, next)}`);
  else {
    writeFileSync(options.configPath, next);
    log(`  ${file}: ids written for [env.${env}]${options.free ? ', queue off' : ''} (commit this file)`);
  }

  log('  Migrations: applying to the remote D1 (wrangler skips those already applied)');
  change(['d1', 'migrations', 'apply', 'DB', '--remote', '--env', env]);

  const listed = wrangler(['secret', 'list', '--format', 'json', '--env', env, ...config]);
  const notDeployed = listed.status !== 0 && /10007|does not exist|not found/i.test(listed.stdout + listed.stderr);
  if (listed.status !== 0 && !notDeployed) ok(listed, ['secret', 'list']);
  const present = new Set(notDeployed ? [] : (parseJson(listed.stdout, 'secret list') as { name: string }[]).map((s) => s.name));
  for (const name of SECRETS.filter((s) => !present.has(s))) report.generatedSecrets[name] = `${PREFIX[name]}_${randomBytes(18).toString('base64url')}`;
  const generated = Object.keys(report.generatedSecrets);
  log(
    `  Secrets: ${generated.length ? `${generated.join(', ')} ${dryRun ? 'would be generated' : 'generated'} and uploaded with the Worker` : 'already set (kept)'}`,
  );

  const dir = generated.length && !dryRun ? mkdtempSync(path.join(tmpdir(), 'ep-deploy-')) : undefined;
  try {
    const secretsFile = dir ? path.join(dir, 'secrets.json') : '<generated secrets>';
    if (dir) writeFileSync(secretsFile, JSON.stringify(report.generatedSecrets), { mode: 0o600 });
    const deployed = change(['deploy', '--env', env, ...(generated.length ? ['--secrets-file', secretsFile] : [])]);
    if (deployed) report.url = deployed.stdout.match(/^\s+(https?:\/\/\S+)\s*$/m)?.[1];
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
  if (dryRun) {
    log('  Deploy and /health check: skipped (dry run)');
    return report;
  }
  if (!report.url) throw new Error('wrangler deploy did not print the Worker URL (is workers.dev enabled for this account?)');
  log(`  Deployed: ${report.url}`);
  const health = await waitForHealth(report.url, options.fetchHealth ?? fetchText);
  log(`  Health: ${health}`);
  return report;
}

async function fetchText(url: string) {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: await res.text() };
}

/** Polls `/health` for up to a minute (a new Worker takes a few seconds to reach every location). */
async function waitForHealth(url: string, get: NonNullable<DeployOptions['fetchHealth']>): Promise<string> {
  let last = '';
  for (let i = 0; i < 30; i++) {
    try {
      const { status, body } = await get(`${url}/health`);
      if (status === 200) {
        const h = JSON.parse(body) as { status: string; version: string; d1: { ok: boolean } };
        if (h.d1.ok) return `${h.status}, version ${h.version}, D1 reachable`;
      }
      last = `${status} ${body.slice(0, 200)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
  throw new UserError(`${url}/health did not answer ok within a minute (last: ${last})`);
}

function ok(result: WranglerResult, args: string[]): WranglerResult {
  if (result.status !== 0) throw new UserError(`wrangler ${args.join(' ')} failed:\n${(result.stderr || result.stdout).trim().slice(-2000)}`);
  return result;
}

function parseJson(text: string, what: string): unknown {
  const start = text.search(/^\s*[[{]/m);
  try {
    return JSON.parse(text.slice(Math.max(0, start)));
  } catch {
    throw new Error(`wrangler ${what} did not answer JSON:\n${text.slice(0, 500)}`);
  }
}

/** The changed lines of a rewrite, `-`/`+` prefixed. */
function diff(before: string, after: string): string {
  const a = before.split('\n');
  const b = after.split('\n');
  return a.flatMap((line, i) => (line === b[i] ? [] : [`      - ${line}`, `      + ${b[i]}`])).join('\n');
}
