/**
 * `npm run deploy` against a STAND-IN for the Cloudflare account (test/support/wrangler-stand-in.ts):
 * the commands a dry run would run and the configuration it would write, a real run that creates
 * and writes, a second run that changes nothing, the free plan, and a user error without a stack.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ROOT } from '../../src/cli/local-stack.ts';
import { readEnv } from '../../src/deploy/config.ts';
import type { StandInAccount } from '../support/wrangler-stand-in.ts';
import { freePort } from '../browser/shop-page.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'ep-deploy-test-'));
const config = path.join(dir, 'wrangler.toml');
const statePath = path.join(dir, 'account.json');
const logPath = path.join(dir, 'wrangler.log');
let server: Server;
let healthUrl = '';

function account(): StandInAccount {
  return JSON.parse(readFileSync(statePath, 'utf8')) as StandInAccount;
}

/** Runs `npm run deploy -- ARGS` with the stand-in; returns its exit code, output and the commands wrangler got. */
async function deploy(...args: string[]) {
  writeFileSync(logPath, '');
  // Not spawnSync: the stand-in /health below is served by this process while the deploy runs.
  const child = spawn('npm', ['run', '-s', 'deploy', '--', '--config', config, ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      EP_WRANGLER: path.join(ROOT, 'test', 'support', 'wrangler-stand-in.ts'),
      WRANGLER_STAND_IN_STATE: statePath,
      WRANGLER_STAND_IN_LOG: logPath,
    },
  });
  const result = { stdout: '', stderr: '', status: null as number | null };
  child.stdout.on('data', (chunk: Buffer) => (result.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (result.stderr += chunk.toString()));
  result.status = await new Promise<number | null>((resolve) => child.once('close', resolve));
  const commands = readFileSync(logPath, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as string[]).filter((a, i, all) => a !== '--config' && all[i - 1] !== '--config').join(' '));
  return { status: result.status, out: result.stdout, err: result.stderr, commands };
}

const READS = [
  'whoami --json',
  'd1 list --json',
  'kv namespace list',
  'queues info edge-personalize-production-rebuild-parts',
  'secret list --format json --env production',
];

beforeAll(async () => {
  server = createServer((req, res) => {
    // A stand-in for the deployed Worker's /health.
    res.writeHead(req.url === '/health' ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'ok', version: 'stand-in', d1: { ok: true } }));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  healthUrl = `http://127.0.0.1:${port}`;
});

afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  cpSync(path.join(ROOT, 'wrangler.toml'), config);
  const empty: StandInAccount = {
    loggedIn: true,
    accounts: [{ name: 'Shop', id: 'acc1' }],
    d1: [],
    kv: [],
    queues: [],
    workers: {},
    migrated: [],
    deployUrl: healthUrl,
  };
  writeFileSync(statePath, JSON.stringify(empty));
});

describe('npm run deploy', async () => {
  it('--dry-run on an empty account: runs only reads, prints every change, writes nothing', async () => {
    const before = readFileSync(config, 'utf8');
    const run = await deploy('--dry-run');
    expect(run.status, run.err).toBe(0);
    expect(run.commands).toEqual(READS);
    for (const change of [
      'd1 create edge-personalize-production',
      'kv namespace create edge-personalize-production-tables',
      'queues create edge-personalize-production-rebuild-parts',
      'd1 migrations apply DB --remote --env production',
      'deploy --env production --secrets-file <generated secrets>',
    ])
      expect(run.out).toContain(`would run: wrangler ${change}`);
    expect(run.out).toContain('+ database_id = "<created by the deploy>"');
    expect(readFileSync(config, 'utf8')).toBe(before);
    expect(account()).toMatchObject({ d1: [], kv: [], queues: [], workers: {}, migrated: [] });
    expect(run.out).not.toMatch(/ing_|adm_/);
  });

  it('creates the resources, writes their ids, uploads new keys, checks /health; a second run changes nothing', async () => {
    const first = await deploy();
    expect(first.status, first.err).toBe(0);
    const state = account();
    const written = readEnv(readFileSync(config, 'utf8'), 'production');
    expect(written.d1).toEqual({ name: 'edge-personalize-production', id: state.d1[0]!.uuid });
    expect(written.kv.id).toBe(state.kv[0]!.id);
    expect(state.kv[0]!.title).toBe('edge-personalize-production-tables');
    expect(state.queues).toEqual(['edge-personalize-production-rebuild-parts']);
    expect(state.migrated).toEqual(['production']);
    expect(state.workers['edge-personalize-production']?.sort()).toEqual(['ADMIN_KEY', 'INGEST_KEY', 'USER_TOKEN_SECRET']);
    expect(first.out).toMatch(/ADMIN_KEY=adm_[\w-]{24}/);
    expect(first.out).toContain('Health: ok, version stand-in, D1 reachable');
    expect(readEnv(readFileSync(config, 'utf8'), 'staging').d1.id).toBe('00000000-0000-0000-0000-000000000000');

    const configAfterFirst = readFileSync(config, 'utf8');
    const second = await deploy();
    expect(second.status, second.err).toBe(0);
    expect(second.commands).toEqual([...READS.slice(0, 4), 'd1 migrations apply DB --remote --env production', READS[4], 'deploy --env production']);
    expect(readFileSync(config, 'utf8')).toBe(configAfterFirst);
    expect(second.out).toContain('wrangler.toml: unchanged');
    expect(second.out).toContain('Secrets: already set (kept)');
    expect(second.out).not.toMatch(/adm_/);
    expect(account()).toMatchObject({ d1: state.d1, kv: state.kv, queues: state.queues });
  });

  it('--free turns the queue off in the configuration, and the real wrangler accepts what it wrote', async () => {
    const run = await deploy('--free', '--env', 'staging');
    expect(run.status, run.err).toBe(0);
    expect(run.commands.some((c) => c.startsWith('queues'))).toBe(false);
    expect(run.out).toContain("free plan's 10 ms of CPU");
    const toml = readFileSync(config, 'utf8');
    expect(readEnv(toml, 'staging')).toMatchObject({ queue: undefined, queueOff: true });
    expect(readEnv(toml, 'production').queue).toBe('edge-personalize-production-rebuild-parts');

    for (const name of ['functions', 'src', 'migrations', 'node_modules', 'package.json', 'tsconfig.json'])
      symlinkSync(path.join(ROOT, name), path.join(dir, name));
    const checked = spawnSync(
      process.execPath,
      [
        path.join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js'),
        'deploy',
        '--dry-run',
        '--env',
        'staging',
        '--config',
        config,
        '--outdir',
        path.join(dir, 'out'),
      ],
      {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' },
      },
    );
    expect(checked.status, checked.stderr).toBe(0);
    expect(checked.stdout).toContain(`env.DB (edge-personalize-staging)`);
    expect(checked.stdout).toContain(`env.TABLES (${account().kv[0]!.id})`);
    expect(checked.stdout).not.toContain('REBUILD_QUEUE');
  });

  it('a user error is one line and exit 1; a wrong flag prints the usage and exits 2', async () => {
    writeFileSync(statePath, JSON.stringify({ ...account(), loggedIn: false }));
    const loggedOut = await deploy('--dry-run');
    expect(loggedOut.status).toBe(1);
    expect(loggedOut.err).toMatch(/^error: wrangler is not logged in .*npx wrangler login/);
    expect(loggedOut.err).not.toMatch(/\n\s+at /);
    const wrong = await deploy('--envv', 'staging');
    expect(wrong.status).toBe(2);
    expect(wrong.err).toContain("Unknown option '--envv'");
    expect(wrong.err).toContain('Usage: npm run deploy');
    expect((await deploy('--env', 'prod')).err).toContain('--env must be staging or production');
  });
});
